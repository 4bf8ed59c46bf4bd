package dev.bastion.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.Rate;
import dev.bastion.config.RouteConfig.Limit;
import dev.bastion.config.RouteConfig.LimitKey;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-process limiter and the control around it, on a clock the test moves. */
class RateLimitControlTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final LocalLimiter limiter = new LocalLimiter(now::get);

    RateLimitControl control(List<Limit> limits, List<Limit> mutations) {
        return new RateLimitControl(Stage.LIMIT, "r1", limits, mutations, null, limiter);
    }

    RateLimitControl control(Limit... limits) {
        return control(List.of(limits), List.of());
    }

    static Exchange from(String ip, String keyId) {
        return Exchange.builder().clientIp(ip).identity(keyId == null ? null : Identity.apiKey(keyId, "acme", Set.of())).build();
    }

    static Limit limit(LimitKey per, int count, Duration period) {
        return new Limit(per, new Rate(count, period), null);
    }

    @Test
    void windowAdmitsExactlyItsCountThenAnswers429UntilItResets() {
        RateLimitControl c = control(limit(LimitKey.API_KEY, 2, Duration.ofMinutes(1)));
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        now.addAndGet(20_000);
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        Verdict.Deny d = (Verdict.Deny) c.check(from("1.1.1.1", "k1")).result();
        assertThat(d.status()).isEqualTo(429);
        assertThat(d.reason()).isEqualTo("rate_limited");
        assertThat(d.headers().get("Retry-After")).as("the window started at the first request, 40s left").isEqualTo("40");
        assertThat(c.check(from("1.1.1.1", "k2")).result()).as("other key, other counter").isEqualTo(Verdict.ALLOW);
        now.addAndGet(40_000);
        assertThat(c.check(from("1.1.1.1", "k1")).result()).as("a new window").isEqualTo(Verdict.ALLOW);
    }

    @Test
    void headersNameEveryLimitWithQuotaWindowRemainingAndReset() {
        RateLimitControl c = control(new Limit(LimitKey.API_KEY, new Rate(100, Duration.ofMinutes(1)), null, "per-key"),
                limit(LimitKey.IP, 5, Duration.ofHours(1)));
        Exchange ex = from("1.1.1.1", "k1");
        c.check(ex).result();
        assertThat(ex.responseHeaders().get("RateLimit-Policy")).isEqualTo("\"per-key\";q=100;w=60, \"ip-5-1h\";q=5;w=3600");
        assertThat(ex.responseHeaders().get("RateLimit")).isEqualTo("\"per-key\";r=99;t=60, \"ip-5-1h\";r=4;t=3600");
    }

    @Test
    void everyLimitMustPassAndARefusedRequestTakesNothing() {
        RateLimitControl c = control(limit(LimitKey.API_KEY, 2, Duration.ofMinutes(1)), limit(LimitKey.IP, 1, Duration.ofMinutes(1)));
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("1.1.1.1", "k1")).result()).as("the IP limit is spent").isInstanceOf(Verdict.Deny.class);
        // The refusal did not consume k1's second request: all or none.
        assertThat(c.check(from("2.2.2.2", "k1")).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("3.3.3.3", "k1")).result()).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void bucketAllowsABurstThenRefillsContinuously() {
        RateLimitControl c = control(new Limit(LimitKey.ROUTE, new Rate(60, Duration.ofMinutes(1)), 5L));
        for (int i = 0; i < 5; i++) assertThat(c.check(from("1.1.1.1", null)).result()).isEqualTo(Verdict.ALLOW);
        Verdict.Deny d = (Verdict.Deny) c.check(from("9.9.9.9", null)).result();
        assertThat(d.headers().get("Retry-After")).as("one token per second").isEqualTo("1");
        now.addAndGet(1000);
        assertThat(c.check(from("1.1.1.1", null)).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("1.1.1.1", null)).result()).isInstanceOf(Verdict.Deny.class);
        now.addAndGet(60_000);
        for (int i = 0; i < 5; i++) assertThat(c.check(from("1.1.1.1", null)).result()).as("refilled to the burst, not beyond").isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("1.1.1.1", null)).result()).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void mutationsCarryTheirStricterLimitOnlyOnWrites() {
        RateLimitControl c = control(List.of(limit(LimitKey.API_KEY, 100, Duration.ofMinutes(1))), List.of(limit(LimitKey.API_KEY, 1, Duration.ofMinutes(1))));
        assertThat(c.check(with(HttpMethod.POST)).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(with(HttpMethod.DELETE)).result()).isInstanceOf(Verdict.Deny.class);
        for (int i = 0; i < 10; i++) assertThat(c.check(with(HttpMethod.GET)).result()).isEqualTo(Verdict.ALLOW);
    }

    static Exchange with(HttpMethod m) {
        return Exchange.builder().method(m).clientIp("1.1.1.1").identity(Identity.apiKey("k1", "acme", Set.of())).build();
    }

    @Test
    void theSameLimitDeclaredTwiceCountsOnce() {
        Limit l = limit(LimitKey.API_KEY, 2, Duration.ofMinutes(1));
        RateLimitControl c = control(l, l);
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void perKeyLimitsCountTokenCallersByClientOrUser() {
        RateLimitControl c = control(limit(LimitKey.API_KEY, 1, Duration.ofMinutes(1)));
        Exchange client1 = Exchange.builder().identity(new Identity("cli_1", "acme", Set.of(), Set.of(), "bastion_token", null, "bastion", null, "cli_1", "j1")).build();
        Exchange client2 = Exchange.builder().identity(new Identity("cli_2", "acme", Set.of(), Set.of(), "bastion_token", null, "bastion", null, "cli_2", "j2")).build();
        Exchange user = Exchange.builder().identity(new Identity("sub", "acme", Set.of(), Set.of(), "jwt", null, "main", "usr_1", null, null)).build();
        assertThat(c.check(client1).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(client1).result()).isInstanceOf(Verdict.Deny.class);
        assertThat(c.check(client2).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(user).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(user).result()).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void perIdentityLimitWithoutIdentityFailsClosed() {
        RateLimitControl c = control(limit(LimitKey.ORG, 100, Duration.ofMinutes(1)));
        assertThat(c.check(from("1.1.1.1", null)).failed()).isTrue();
    }
}
