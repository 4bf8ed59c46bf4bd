package dev.bastion.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.bastion.chain.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Verified tokens by SHA-256, so a token is verified (signature, claims, user lookup) once and then
 * recognised with one hash and one map lookup until it expires (A1). Entries never outlive the token
 * and at most five minutes. Revocation is not cached here: it is checked on every request.
 */
public final class TokenCache {
    static final Duration MAX_ENTRY_LIFE = Duration.ofMinutes(5);

    /**
     * @param source    which authenticator verified it ({@code jwt} or {@code bastion_token})
     * @param issuer    issuer name (IdP tokens) — routes may trust only some issuers
     * @param audiences the token's audiences (Bastion tokens) — routes may accept only some
     * @param kid       the signing key — a withdrawn key's tokens must stop working even when cached
     */
    public record Entry(Identity identity, Instant expiresAt, String source, String issuer, List<String> audiences, String kid) {}

    private final Cache<String, Entry> cache;
    private final Clock clock;

    public TokenCache(long maxSize, Clock clock) {
        this.clock = clock;
        // Cache upkeep on the calling event loop, in small batches: no hop to the common pool per burst of reads.
        this.cache = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxSize).expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String key, Entry e, long currentTime) {
                // Capped before converting: an exp centuries away (4·10¹⁰ is the year 3237) overflows toNanos().
                Duration untilExp = Duration.between(clock.instant(), e.expiresAt());
                if (untilExp.isNegative()) return 0;
                return (untilExp.compareTo(MAX_ENTRY_LIFE) < 0 ? untilExp : MAX_ENTRY_LIFE).toNanos();
            }

            @Override
            public long expireAfterUpdate(String key, Entry e, long currentTime, long currentDuration) {
                return expireAfterCreate(key, e, currentTime);
            }

            @Override
            public long expireAfterRead(String key, Entry e, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
    }

    /** The entry when present and the token has not expired yet. */
    public Entry get(String tokenHash) {
        Entry e = cache.getIfPresent(tokenHash);
        if (e == null) return null;
        if (!clock.instant().isBefore(e.expiresAt())) {
            cache.invalidate(tokenHash);
            return null;
        }
        return e;
    }

    public void put(String tokenHash, Entry e) {
        cache.put(tokenHash, e);
    }
}
