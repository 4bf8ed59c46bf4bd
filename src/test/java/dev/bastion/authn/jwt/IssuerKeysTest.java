package dev.bastion.authn.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.IssuerConfig;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IssuerKeysTest {
    static IssuerConfig config() {
        return new IssuerConfig("idp", "https://idp.example", URI.create("https://idp.example/keys"), List.of("api"), null, null, null, null, null,
                null, null, new IssuerConfig.Jwks(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(1)), null);
    }

    @Test
    void anIdpThatFailsFastIsNotHitAtRequestRate() {
        AtomicInteger calls = new AtomicInteger();
        JwksFetcher failing = new JwksFetcher() {
            @Override
            public Future<String> get(URI uri, Duration timeout) {
                calls.incrementAndGet();
                return Future.failedFuture(new IllegalStateException("HTTP 500"));
            }
        };
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        IssuerKeys keys = new IssuerKeys(config(), failing, clock::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(keys.current().failed()).isTrue();
            clock.addAndGet(1_000_000); // 1 ms per request
        }
        assertThat(calls.get()).as("fetches for 1000 requests in one second").isEqualTo(1);
        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        keys.current();
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void unknownKidsRefetchAtMostOncePerInterval() {
        AtomicInteger calls = new AtomicInteger();
        JwksFetcher ok = new JwksFetcher() {
            @Override
            public Future<String> get(URI uri, Duration timeout) {
                calls.incrementAndGet();
                return Future.succeededFuture("{\"keys\":[]}");
            }
        };
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        IssuerKeys keys = new IssuerKeys(config(), ok, clock::get);
        assertThat(keys.current().succeeded()).isTrue();
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        for (int i = 0; i < 500; i++) keys.forUnknownKid("random-" + i);
        assertThat(calls.get()).isEqualTo(2);
    }
}
