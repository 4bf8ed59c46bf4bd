package dev.bastion.secrets;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-org provider keys (bring your own key): a key reference with {@code {org}} (and maybe {@code {env}}) is
 * resolved for the caller's org when a request needs it — asynchronously, never waiting on an event loop —
 * and cached per (reference, org) for {@code secrets.org_keys.cache_ttl}, so a rotated key is picked up once
 * the entry expires. The cache is bounded ({@code cache_size}) and single-flight: a burst of one org's
 * requests makes one read. "This org has no key" is remembered for {@code missing_ttl}; a failed read (the
 * store unreachable, sealed, refusing Bastion) is not cached.
 *
 * <p>The org id is checked before it is put into the reference ({@link SecretRef#forOrg}): only letters,
 * digits, {@code _} and {@code -}, so no org id can name another path, file or secret. An org never gets a
 * key read for another org: the cache key is the (reference, org) pair, and nothing falls back to a shared key.
 */
public final class OrgSecrets {
    private record Key(String template, String org) {}

    /** A cached answer: the org's key, or that it has none (with the reason for the log). */
    private record Entry(Secret secret, String missing) {}

    private final SecretResolver resolver;
    private final String env;
    private final AsyncCache<Key, Entry> cache;
    private final LongAdder reads = new LongAdder();

    public OrgSecrets(SecretResolver resolver, SecretsConfig.OrgKeys config, String env) {
        this(resolver, config, env, Ticker.systemTicker());
    }

    OrgSecrets(SecretResolver resolver, SecretsConfig.OrgKeys config, String env, Ticker ticker) {
        this.resolver = resolver;
        this.env = env;
        long ttl = config.cacheTtl().toNanos();
        long missingTtl = Math.min(ttl, config.missingTtl().toNanos());
        this.cache = Caffeine.newBuilder().maximumSize(config.cacheSize()).ticker(ticker).executor(Runnable::run).expireAfter(new Expiry<Key, Entry>() {
            @Override
            public long expireAfterCreate(Key key, Entry value, long currentTime) {
                return value.secret() != null ? ttl : missingTtl;
            }

            @Override
            public long expireAfterUpdate(Key key, Entry value, long currentTime, long currentDuration) {
                return expireAfterCreate(key, value, currentTime);
            }

            @Override
            public long expireAfterRead(Key key, Entry value, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).buildAsync();
    }

    /** Why an org's key could not be had. */
    public enum Problem {
        /** The org has no key at this reference (or its id cannot be used in one): the client's 424. */
        MISSING,
        /** The secret store could not be read (unreachable, sealed, refusing Bastion): a 503, never a 424. */
        UNAVAILABLE
    }

    /** An org's key could not be had. Its message is for the log: it names the reference, never a value. */
    public static final class KeyProblem extends RuntimeException {
        private final Problem problem;

        KeyProblem(Problem problem, String message) {
            super(message, null, false, false);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** One per-org reference, at one place of the config. */
    public Handle handle(SecretRef template, String place) {
        return new Handle(template, place);
    }

    /** Reads made from the secret stores (not served from the cache), for tests and metrics. */
    public long reads() {
        return reads.sum();
    }

    public final class Handle {
        private final SecretRef template;
        private final String place;

        private Handle(SecretRef template, String place) {
            this.template = template;
            this.place = place;
        }

        /** The org's key; fails with {@link KeyProblem}. Completes on whatever thread the read completes on. */
        public CompletableFuture<Secret> get(String org) {
            SecretRef ref;
            try {
                ref = template.forOrg(org, env);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new KeyProblem(Problem.MISSING, place + ": " + e.getMessage()));
            }
            return cache.get(new Key(template.toString(), org), (k, executor) -> {
                reads.increment();
                return resolver.fetch(ref, place + " for org " + org).handle((r, e) -> {
                    if (e == null) return new Entry(r.secret(), null);
                    Throwable cause = VaultSource.unwrap(e);
                    SecretSource.Reason reason = cause instanceof SecretResolver.SecretException se ? se.reason() : null;
                    if (reason == SecretSource.Reason.UNAVAILABLE || reason == SecretSource.Reason.DENIED) {
                        throw new KeyProblem(Problem.UNAVAILABLE, cause.getMessage());
                    }
                    // MISSING from a store, a missing/empty file, a placeholder, an unset variable: this org has no key
                    return new Entry(null, cause.getMessage());
                });
            }).handle((entry, e) -> {
                if (e != null) {
                    Throwable cause = VaultSource.unwrap(e);
                    throw cause instanceof KeyProblem kp ? kp : new KeyProblem(Problem.UNAVAILABLE, place + ": " + cause.getClass().getSimpleName());
                }
                if (entry.secret() == null) throw new KeyProblem(Problem.MISSING, entry.missing());
                return entry.secret();
            });
        }

        public String place() {
            return place;
        }

        /** True when a caller without an org cannot use it. */
        public boolean perOrg() {
            return template.perOrg();
        }
    }
}
