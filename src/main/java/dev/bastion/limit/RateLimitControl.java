package dev.bastion.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig.Limit;
import dev.bastion.config.RouteConfig.LimitKey;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * In-process token buckets (Bucket4j), one per route limit and key (client IP, API key, org or the
 * route as a whole). Every limit must have a token; the first empty bucket answers 429 with
 * {@code Retry-After}. Buckets are held in bounded caches and dropped once idle for longer than
 * they take to refill, when they are indistinguishable from a new full bucket anyway.
 */
public final class RateLimitControl implements Control {
    private static final long MAX_KEYS_PER_LIMIT = 1_000_000;

    private final List<Rule> rules;

    public RateLimitControl(List<Limit> limits) {
        if (limits.isEmpty()) throw new IllegalArgumentException("limits: empty");
        this.rules = limits.stream().map(Rule::new).toList();
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "rate_limit";
    }

    @Override
    public Future<Verdict> check(Exchange exchange) {
        for (Rule rule : rules) {
            String key = rule.keyOf(exchange);
            if (key == null) {
                // A per-identity limit with no identity would silently admit everyone: refuse instead.
                return Future.failedFuture(new IllegalStateException("limit per " + rule.per.key + " without an identity"));
            }
            Bucket bucket = rule.buckets.get(key, rule.newBucket);
            if (!bucket.tryConsume(1)) {
                // The slow path only: how long until one token is back.
                long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
                long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
                return new Verdict.Deny(429, "rate_limited", "Too many requests; retry after " + seconds + "s.",
                        Map.of("Retry-After", Long.toString(seconds))).future();
            }
        }
        return Verdict.ALLOWED;
    }

    private static final class Rule {
        final LimitKey per;
        final Bandwidth bandwidth;
        final Cache<String, Bucket> buckets;
        final java.util.function.Function<String, Bucket> newBucket = k -> newBucket();

        Rule(Limit limit) {
            this.per = limit.per();
            this.bandwidth = Bandwidth.builder()
                    .capacity(limit.burst())
                    .refillGreedy(limit.rate().count(), limit.rate().period())
                    .build();
            // Time to refill a bucket from empty to full; an idle bucket older than that is full again.
            Duration refill = limit.rate().period().multipliedBy(Math.max(1, (limit.burst() + limit.rate().count() - 1) / limit.rate().count()));
            this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS_PER_LIMIT).expireAfterAccess(refill).build();
        }

        /**
         * The calling credential: the API key for key callers; for token callers (on routes that take
         * several kinds) the machine client, else the user, else the subject — one bucket per caller.
         */
        static String caller(Identity id) {
            if (id.credentialId() != null) return id.credentialId();
            if (id.clientId() != null) return id.clientId();
            if (id.userId() != null) return id.userId();
            return id.credentialType() + ":" + id.subject();
        }

        Bucket newBucket() {
            return Bucket.builder().addLimit(bandwidth).build();
        }

        String keyOf(Exchange ex) {
            Identity id = ex.identity();
            return switch (per) {
                case IP -> ex.clientIp();
                case API_KEY -> id == null ? null : caller(id);
                case ORG -> id == null ? null : id.orgId();
                case ROUTE -> "";
            };
        }
    }
}
