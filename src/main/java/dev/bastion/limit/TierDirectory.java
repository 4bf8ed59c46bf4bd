package dev.bastion.limit;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bastion.chain.Identity;
import dev.bastion.config.LimitsConfig;
import dev.bastion.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is on which plan (L2): an API key's own tier when it has one, else its org's tier, else the
 * default tier. Read from the store through a cache refreshed every {@code ttl} in the background (hot
 * callers never wait for the store) — a tier change ({@code bastion orgs set-tier}) applies within that,
 * without a restart. Store reads run on {@code storeExecutor}.
 */
final class TierDirectory {
    /**
     * A caller's plan and whose counters it uses.
     *
     * @param tier     the plan's name, or null for none
     * @param assignee {@code key:ID} or {@code org:ID}, whoever holds the plan
     * @param plan     its limits (empty: unlimited, or no plan)
     */
    record Assignment(String tier, String assignee, List<Policy> plan) {}

    private static final Logger log = LoggerFactory.getLogger(TierDirectory.class);

    private final AsyncLoadingCache<String, Optional<String>> orgTiers;
    private final AsyncLoadingCache<String, Optional<String>> keyTiers;
    private final Map<String, List<Policy>> plans = new HashMap<>();
    private final String defaultTier;

    TierDirectory(Store store, Executor storeExecutor, Duration ttl, LimitsConfig config) {
        this.defaultTier = config.defaultTier();
        for (String tier : config.tiers().keySet()) plans.put(tier, config.tierLimits(tier).stream().map(Policy::of).toList());
        this.orgTiers = Caffeine.newBuilder().maximumSize(100_000).refreshAfterWrite(ttl).expireAfterWrite(ttl.multipliedBy(4)).executor(storeExecutor)
                .buildAsync((org, ex) -> CompletableFuture.supplyAsync(() -> known(store.orgs().tierOf(org), "org " + org), ex));
        this.keyTiers = Caffeine.newBuilder().maximumSize(100_000).refreshAfterWrite(ttl).expireAfterWrite(ttl.multipliedBy(4)).executor(storeExecutor)
                .buildAsync((key, ex) -> CompletableFuture.supplyAsync(() -> known(store.apiKeys().tierOf(key), "key " + key), ex));
    }

    Future<Assignment> of(Identity id) {
        Future<Optional<String>> keyTier = "api_key".equals(id.credentialType()) ? get(keyTiers.get(id.credentialId())) : Future.succeededFuture(Optional.empty());
        return keyTier.compose(k -> {
            if (k.isPresent()) return Future.succeededFuture(assignment(k.get(), "key:" + id.credentialId()));
            return get(orgTiers.get(id.orgId())).map(o -> assignment(o.orElse(null), "org:" + id.orgId()));
        });
    }

    private Assignment assignment(String tier, String assignee) {
        String t = tier == null ? defaultTier : tier;
        return new Assignment(t, assignee, t == null ? List.of() : plans.get(t));
    }

    /** A stored tier this config defines. A plan the config no longer has means the default plan, never "unlimited". */
    private Optional<String> known(Optional<String> stored, String holder) {
        if (stored.isEmpty() || plans.containsKey(stored.get())) return stored;
        log.warn("{} is on tier '{}', which limits.tiers does not define; applying the default tier", holder, stored.get());
        return Optional.empty();
    }

    private static <T> Future<T> get(CompletableFuture<T> f) {
        if (f.isDone() && !f.isCompletedExceptionally()) return Future.succeededFuture(f.join());
        Context ctx = Vertx.currentContext();
        return ctx == null ? Future.fromCompletionStage(f) : Future.fromCompletionStage(f, ctx);
    }
}
