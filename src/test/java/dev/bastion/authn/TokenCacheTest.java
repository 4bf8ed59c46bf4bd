package dev.bastion.authn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Identity;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private static TokenCache.Entry expiringAt(Instant exp) {
        Identity id = new Identity("sub", "acme", Set.of(), Set.of(), "jwt", null, "main", "usr_1", null, null);
        return new TokenCache.Entry(id, exp, "jwt", "main", List.of(), null);
    }

    /** A token valid for centuries is kept like any other (at most five minutes); its expiry once overflowed toNanos(). */
    @Test
    void aFarExpiryIsCachedWithoutOverflow() {
        TokenCache cache = new TokenCache(100, Clock.systemUTC());
        for (Instant far : List.of(Instant.ofEpochSecond(40_000_000_000L), Instant.ofEpochSecond(1_000_000_000_000L), Instant.MAX)) {
            cache.put("h" + far, expiringAt(far));
            assertThat(cache.get("h" + far)).isNotNull();
        }
    }

    @Test
    void anExpiredEntryIsNotReturned() {
        TokenCache cache = new TokenCache(100, Clock.systemUTC());
        cache.put("past", expiringAt(Instant.MIN));
        cache.put("now", expiringAt(Instant.now().minusSeconds(1)));
        assertThat(cache.get("past")).isNull();
        assertThat(cache.get("now")).isNull();
    }
}
