package dev.bastion.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.FailoverConfig;
import dev.bastion.config.FailoverConfig.On;
import dev.bastion.llm.provider.OpenAiChatProvider;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamRequest;
import dev.bastion.upstream.UpstreamResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions of a request's failover plan, without a network: what is tried again, where it goes next, when it stops. */
class FailoverPlanTest {
    static final UpstreamFailure REFUSED = new UpstreamFailure(UpstreamFailure.Kind.UNREACHABLE, "u", "refused");

    static Upstream key(String name) {
        return new Upstream() {
            public String name() {
                return name;
            }

            public Future<UpstreamResult> send(UpstreamRequest request) {
                return Future.succeededFuture(REFUSED);
            }
        };
    }

    static Deployment deployment(String name, int keys) {
        List<Upstream> pool = new java.util.ArrayList<>();
        for (int i = 0; i < keys; i++) pool.add(key(name + "-key" + i));
        return new Deployment(name, new OpenAiChatProvider(), name, "up-" + name, pool, 1,
                new DeploymentHealth("up-" + name + "/" + name, CircuitBreaker.ofDefaults(name)), 1000, 60_000, null);
    }

    static FailoverConfig config() {
        return new FailoverConfig(3, 2, null, null, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(5), null);
    }

    @Test
    void aSafeFailureIsRetriedOnTheSameDeploymentWithFullJitterThenMovesOn() {
        FailoverPlan plan = new FailoverPlan(List.of(deployment("a", 1), deployment("b", 1)), config());
        FailoverPlan.Next first = plan.next(new Outcome.Failed(On.OVERLOADED, 0, REFUSED));
        assertThat(first).isInstanceOf(FailoverPlan.Next.Retry.class);
        assertThat(((FailoverPlan.Next.Retry) first).delayMillis()).isBetween(0L, 100L);
        assertThat(plan.next(new Outcome.Failed(On.OVERLOADED, 0, REFUSED))).isEqualTo(new FailoverPlan.Next.Move(plan.current()));
        assertThat(plan.current().publicName()).isEqualTo("b");
        assertThat(plan.trail()).hasSize(2);
    }

    @Test
    void retryAfterIsHonouredUpToTheCapAndALongerOneMovesOnAtOnce() {
        FailoverPlan plan = new FailoverPlan(List.of(deployment("a", 1), deployment("b", 1)), config());
        assertThat(plan.next(new Outcome.Failed(On.RATE_LIMITED, 2_000, REFUSED))).isEqualTo(new FailoverPlan.Next.Retry(2_000));
        FailoverPlan other = new FailoverPlan(List.of(deployment("a", 1), deployment("b", 1)), config());
        assertThat(other.next(new Outcome.Failed(On.RATE_LIMITED, 60_000, REFUSED))).isInstanceOf(FailoverPlan.Next.Move.class);
    }

    @Test
    void aRateLimitOnAKeyPoolTriesTheNextKeyAtOnce() {
        FailoverPlan plan = new FailoverPlan(List.of(deployment("a", 3)), config());
        assertThat(plan.next(new Outcome.Failed(On.RATE_LIMITED, 10_000, REFUSED))).isEqualTo(new FailoverPlan.Next.Retry(0));
    }

    @Test
    void anUncertainFailureIsNeitherRetriedNorFallenBackByDefault() {
        FailoverPlan plan = new FailoverPlan(List.of(deployment("a", 1), deployment("b", 1)), config());
        assertThat(plan.next(new Outcome.Failed(On.UNCERTAIN, 0, REFUSED))).isInstanceOf(FailoverPlan.Next.GiveUp.class);
        assertThat(plan.lastFailure().cause()).isEqualTo(On.UNCERTAIN);
    }

    @Test
    void theAttemptBudgetEndsThePlanWhateverIsLeft() throws Exception {
        FailoverConfig one = new FailoverConfig(1, 1, null, null, null, null, null, null);
        FailoverPlan plan = new FailoverPlan(List.of(deployment("a", 1), deployment("b", 1)), one);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            dev.bastion.chain.Exchange ex = dev.bastion.chain.Exchange.builder().build();
            Outcome o = plan.attempt(vertx, new UpstreamRequest(ex, "/x", null, false, false, false, new dev.bastion.upstream.Cancellation()))
                    .toCompletionStage().toCompletableFuture().get();
            assertThat(o).isInstanceOf(Outcome.Failed.class);
            assertThat(((Outcome.Failed) o).cause()).isEqualTo(On.UNAVAILABLE);
            assertThat(plan.next((Outcome.Failed) o)).isInstanceOf(FailoverPlan.Next.GiveUp.class);
        } finally {
            vertx.close();
        }
    }

    @Test
    void failuresAreClassifiedByStatusAndTheProvidersErrorCode() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(Failures.of(429, null)).isEqualTo(On.RATE_LIMITED);
        assertThat(Failures.of(529, null)).isEqualTo(On.OVERLOADED);
        assertThat(Failures.of(502, null)).isEqualTo(On.UNCERTAIN);
        assertThat(Failures.of(400, json.readTree("{\"error\":{\"code\":\"context_length_exceeded\"}}"))).isEqualTo(On.CONTEXT_LENGTH);
        assertThat(Failures.of(400, json.readTree("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 212000 tokens > 200000 maximum\"}}")))
                .isEqualTo(On.CONTEXT_LENGTH);
        assertThat(Failures.of(400, json.readTree("{\"error\":{\"code\":\"content_filter\"}}"))).isEqualTo(On.CONTENT_FILTER);
        assertThat(Failures.of(400, json.readTree("{\"error\":{\"code\":\"invalid_value\",\"message\":\"bad temperature\"}}"))).isNull();
        assertThat(Failures.of(401, null)).isNull();
        assertThat(Failures.of(new UpstreamFailure(UpstreamFailure.Kind.CONNECT_TIMEOUT, "u", ""))).isEqualTo(On.UNAVAILABLE);
        assertThat(Failures.of(new UpstreamFailure(UpstreamFailure.Kind.RESET, "u", ""))).isEqualTo(On.UNCERTAIN);
    }

    @Test
    void retryAfterReadsMillisecondsSecondsAndHttpDates() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        assertThat(Failures.retryAfterMillis(h, 0)).isZero();
        h.set("Retry-After", "2");
        assertThat(Failures.retryAfterMillis(h, 0)).isEqualTo(2000);
        h.set("retry-after-ms", "150");
        assertThat(Failures.retryAfterMillis(h, 0)).isEqualTo(150);
        h.remove("retry-after-ms");
        h.set("Retry-After", "Wed, 21 Oct 2015 07:28:10 GMT");
        long now = java.time.ZonedDateTime.parse("Wed, 21 Oct 2015 07:28:00 GMT", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertThat(Failures.retryAfterMillis(h, now)).isEqualTo(10_000);
        h.set("Retry-After", "-5");
        assertThat(Failures.retryAfterMillis(h, 0)).isZero();
        h.set("Retry-After", "soon");
        assertThat(Failures.retryAfterMillis(h, 0)).isZero();
    }
}
