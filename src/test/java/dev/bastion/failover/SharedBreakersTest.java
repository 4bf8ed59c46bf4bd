package dev.bastion.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockFaults;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Breakers shared through a real Redis by real gateways, in front of one misbehaving stand-in: a deployment
 * that fails through one gateway is ejected by all of them (the stand-in's request count proves the others
 * sent it nothing), a gateway started later learns it, one probe readmits it everywhere, Redis dying
 * leaves each gateway its own breakers (and no request fails because of it), and garbage on the channel
 * changes nothing.
 */
class SharedBreakersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PRIMARY = "primary/mock-gpt-small", BACKUP = "backup/mock-gpt-large";
    static Vertx mockVertx;
    static MockLlmServer primary, backup;
    RedisProcess redis;
    final List<TestGateway> gateways = new ArrayList<>();

    @BeforeAll
    static void startStandIns() throws Exception {
        mockVertx = Vertx.vertx();
        primary = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        backup = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        primary.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        backup.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopStandIns() throws Exception {
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startRedis() throws Exception {
        primary.faults().clear();
        backup.faults().clear();
        redis = RedisProcess.start(false);
    }

    @AfterEach
    void stop() throws Exception {
        for (TestGateway g : gateways) g.close();
        redis.close();
    }

    @Test
    void aBreakerOpenedOnOneGatewayIsOpenOnAllOfThemAndOneProbeClosesItEverywhere() throws Exception {
        Gw a = gateway(), b = gateway();
        a.call().answeredBy("flaky", 1);
        b.call().answeredBy("flaky", 1);

        primary.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, -1));
        a.openItsBreaker();
        Eventually.until("B learns that A opened it", () -> b.breaker().equals("open by peer"));
        assertThat(b.health().path("status").asText()).isEqualTo("degraded");
        assertThat(b.metric("bastion_deployment_opens_total{by=\"peer\",deployment=\"" + PRIMARY + "\"")).isEqualTo(1.0);
        assertThat(b.metric("bastion_deployment_opens_total{by=\"local\",deployment=\"" + PRIMARY + "\"")).isZero();

        long sent = primary.faults().chatRequests();
        for (int i = 0; i < 3; i++) b.call().answeredBy("backup", 1);
        assertThat(primary.faults().chatRequests()).as("B sent nothing to the deployment A ejected").isEqualTo(sent);

        Gw c = gateway(); // started after the breaker opened: learns it from the key
        Eventually.until("C, started later, finds it open", () -> c.breaker().equals("open by peer"));
        c.call().answeredBy("backup", 1);
        assertThat(primary.faults().chatRequests()).isEqualTo(sent);

        // The deployment recovers. Only A gets traffic: after open_for it probes once, and closes.
        primary.faults().clear();
        Eventually.until("A's probe succeeds", () -> a.call().model().equals("flaky"));
        assertThat(a.breaker()).isEqualTo("closed");
        // B and C had no traffic at all: only A's announcement can close theirs (alone they would sit half-open).
        Eventually.until("B and C close with A", () -> b.breaker().equals("closed") && c.breaker().equals("closed"));
        assertThat(primary.faults().chatRequests()).as("one probe readmitted it on three gateways").isEqualTo(1);
        b.call().answeredBy("flaky", 1);
        c.call().answeredBy("flaky", 1);
    }

    @Test
    void withRedisKilledEachGatewayKeepsItsOwnBreakersAndSharingReturnsWithRedis() throws Exception {
        Gw a = gateway(), b = gateway();
        a.call().answeredBy("flaky", 1);
        b.call().answeredBy("flaky", 1);

        redis.kill();
        primary.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, -1));
        a.openItsBreaker();
        assertThat(b.breaker()).as("without Redis, B cannot know").isEqualTo("closed");
        b.openItsBreaker(); // B finds out by itself
        b.call().answeredBy("backup", 1);

        redis.restart();
        primary.faults().clear();
        Eventually.until("A readmits it by its own probe", () -> a.call().model().equals("flaky"));
        Eventually.until("B readmits it", () -> b.call().model().equals("flaky"));

        primary.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, -1));
        a.openItsBreaker();
        Eventually.until("B learns it through Redis again", () -> b.breaker().equals("open by peer"));
        long sent = primary.faults().chatRequests();
        b.call().answeredBy("backup", 1);
        assertThat(primary.faults().chatRequests()).isEqualTo(sent);
    }

    @Test
    void garbageOnTheChannelIsIgnoredAndAnAnnouncedWaitIsCappedToOpenFor() throws Exception {
        Gw a = gateway();
        a.call().answeredBy("flaky", 1);
        String channel = RedisBreakerChannel.CHANNEL;
        for (String garbage : List.of("not json", "[1,2,3]", "{}", "{\"deployment\":null}",
                "{\"deployment\":\"" + PRIMARY + "\",\"state\":\"open\",\"open_for_ms\":60000}", // no sender
                "{\"deployment\":\"" + PRIMARY + "\",\"state\":\"open\",\"open_for_ms\":\"soon\",\"node\":\"x\"}",
                "{\"deployment\":\"" + PRIMARY + "\",\"state\":\"open\",\"open_for_ms\":-1,\"node\":\"x\"}",
                "{\"deployment\":\"" + PRIMARY + "\",\"state\":\"melted\",\"open_for_ms\":60000,\"node\":\"x\"}",
                "{\"deployment\":[\"" + PRIMARY + "\"],\"state\":\"open\",\"open_for_ms\":60000,\"node\":\"x\"}",
                "{\"deployment\":\"nobody/none\",\"state\":\"open\",\"open_for_ms\":60000,\"node\":\"x\"}",
                "{\"deployment\":\"" + PRIMARY + "\",\"state\":\"open\",\"open_for_ms\":60000,\"node\":\"x\",\"pad\":\"" + "x".repeat(2000) + "\"}")) {
            redis.command("PUBLISH", channel, garbage);
        }
        // A well-formed message about the other deployment, published last: once it is applied, so is all of the above.
        redis.command("PUBLISH", channel, "{\"deployment\":\"" + BACKUP + "\",\"state\":\"open\",\"open_for_ms\":60000,\"node\":\"x\"}");
        Eventually.until("the well-formed message opens the backup", () -> a.breaker(BACKUP).equals("open by peer"));
        assertThat(a.breaker()).as("nothing above touched the primary").isEqualTo("closed");
        assertThat(a.health().path("deployments").size()).as("no deployment made up by a message").isEqualTo(2);
        a.call().answeredBy("flaky", 1);
        redis.command("PUBLISH", channel, "{\"deployment\":\"" + BACKUP + "\",\"state\":\"closed\",\"node\":\"x\"}");
        Eventually.until("a peer's close closes it", () -> a.breaker(BACKUP).equals("closed"));

        // "Open for a day" from a peer: here it is open for open_for (2 s) and its grace, then probed.
        redis.command("PUBLISH", channel, "{\"deployment\":\"" + PRIMARY + "\",\"state\":\"open\",\"open_for_ms\":86400000,\"node\":\"x\"}");
        Eventually.until("the primary opens", () -> a.breaker().equals("open by peer"));
        a.call().answeredBy("backup", 1);
        Eventually.until("it is probed again within open_for and its grace, not a day", () -> a.call().model().equals("flaky"));
        assertThat(a.breaker()).isEqualTo("closed");
    }

    // ---- helpers

    Gw gateway() throws Exception {
        TestGateway g = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    failover: { attempts: 3, backoff: 10ms, max_backoff: 20ms, fallback_on: [unavailable, overloaded, server_error] }
                redis: { url: "%s" }
                limits: { per_ip: off, on_backend_failure: local, backend_timeout: 200ms }
                breakers: { failure_rate: 50, minimum_calls: 2, window: 2, open_for: 2s, half_open_calls: 1 }
                models:
                  flaky:
                    deployments: [{ upstream: primary, model: mock-gpt-small }]
                    fallbacks: [backup]
                  backup:
                    deployments: [{ upstream: backup, model: mock-gpt-large }]
                """.formatted(redis.url())).replace("upstreams:\n", """
                upstreams:
                  primary: { url: "http://127.0.0.1:%d", kind: ai, api_key: env:PROVIDER_KEY, response_timeout: 2s }
                  backup: { url: "http://127.0.0.1:%d", kind: ai, api_key: env:PROVIDER_KEY, response_timeout: 2s }
                """.formatted(primary.port(), backup.port())));
        gateways.add(g);
        return new Gw(g, g.createKey("shared-breakers", "invoke"));
    }

    record Answer(HttpResponse<String> response) {
        String model() {
            return response.headers().firstValue("X-Bastion-Model").orElse("");
        }

        void answeredBy(String publicModel, int attempts) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(model()).isEqualTo(publicModel);
            assertThat(response.headers().firstValue("X-Bastion-Attempts")).contains(Integer.toString(attempts));
        }
    }

    record Gw(TestGateway gw, String key) {
        /** Every call must be answered: a breaker, or Redis, is never a reason to fail one. */
        Answer call() throws Exception {
            HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"flaky\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return new Answer(r);
        }

        /**
         * Failed attempts open the breaker here (one or two of them: minimum_calls 2, 50%, so it depends on what
         * the window holds already); the fallback answers each request.
         */
        void openItsBreaker() throws Exception {
            for (int i = 0; i < 2 && !breaker().equals("open by local"); i++) {
                Answer a = call();
                assertThat(a.model()).isEqualTo("backup");
                assertThat(Integer.parseInt(a.response.headers().firstValue("X-Bastion-Attempts").orElseThrow()))
                        .as("the primary was tried, then the fallback").isGreaterThan(1);
            }
            assertThat(breaker()).isEqualTo("open by local");
        }

        JsonNode health() throws Exception {
            return JSON.readTree(gw.send(HttpRequest.newBuilder(gw.adminUri("/health/deployments")).build()).body());
        }

        String breaker() throws Exception {
            return breaker(PRIMARY);
        }

        /** {@code closed}, or {@code STATE by ORIGIN}, as {@code /health/deployments} says. */
        String breaker(String id) throws Exception {
            for (JsonNode d : health().path("deployments")) {
                if (!d.path("deployment").asText().equals(id)) continue;
                String state = d.path("state").asText();
                return state.equals("closed") ? state : state + " by " + d.path("opened_by").asText();
            }
            throw new AssertionError("no deployment " + id);
        }

        double metric(String prefix) throws Exception {
            for (String l : gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body().split("\n")) {
                if (l.startsWith(prefix)) return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
            throw new AssertionError("no metric " + prefix);
        }
    }
}
