package dev.bastion.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.Rate;
import dev.bastion.config.RouteConfig.Limit;
import dev.bastion.config.RouteConfig.LimitKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RateLimitControlTest {
    static Exchange from(String ip, String keyId) {
        return Exchange.builder().clientIp(ip).identity(keyId == null ? null : Identity.apiKey(keyId, "acme", Set.of())).build();
    }

    @Test
    void bucketEmptiesThenAnswers429WithRetryAfter() {
        RateLimitControl c = new RateLimitControl(List.of(new Limit(LimitKey.API_KEY, new Rate(2, Duration.ofMinutes(1)), null)));
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        Verdict.Deny d = (Verdict.Deny) c.check(from("1.1.1.1", "k1")).result();
        assertThat(d.status()).isEqualTo(429);
        assertThat(d.reason()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(d.headers().get("Retry-After"))).isBetween(1L, 30L); // one token refills in 30s
        assertThat(c.check(from("1.1.1.1", "k2")).result()).as("other key, other bucket").isEqualTo(Verdict.ALLOW);
    }

    @Test
    void everyLimitMustPass() {
        RateLimitControl c = new RateLimitControl(List.of(
                new Limit(LimitKey.API_KEY, new Rate(100, Duration.ofMinutes(1)), null),
                new Limit(LimitKey.IP, new Rate(1, Duration.ofMinutes(1)), null)));
        assertThat(c.check(from("1.1.1.1", "k1")).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("1.1.1.1", "k2")).result()).isInstanceOf(Verdict.Deny.class);
        assertThat(c.check(from("2.2.2.2", "k2")).result()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void burstAllowsMoreThanTheRateAtOnce() {
        RateLimitControl c = new RateLimitControl(List.of(new Limit(LimitKey.ROUTE, new Rate(1, Duration.ofMinutes(1)), 5L)));
        for (int i = 0; i < 5; i++) assertThat(c.check(from("1.1.1.1", null)).result()).isEqualTo(Verdict.ALLOW);
        assertThat(c.check(from("9.9.9.9", null)).result()).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void perKeyLimitsCountTokenCallersByClientOrUser() {
        RateLimitControl c = new RateLimitControl(List.of(new Limit(LimitKey.API_KEY, new Rate(1, Duration.ofMinutes(1)), null)));
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
        RateLimitControl c = new RateLimitControl(List.of(new Limit(LimitKey.ORG, new Rate(100, Duration.ofMinutes(1)), null)));
        assertThat(c.check(from("1.1.1.1", null)).failed()).isTrue();
    }
}
