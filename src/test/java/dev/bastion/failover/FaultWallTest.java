package dev.bastion.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.store.UsageRepository;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault wall (issue 16): one test per failure a provider really produces, against a misbehaving
 * stand-in ({@code mock-llm}'s faults), asserting what the client gets, what the access line says and what
 * the budget is charged. Every scenario has its own primary deployment (its own breaker); they fall back to
 * one healthy deployment of another public model, {@code backup}. The {@code wall} route opts in to every
 * failure class; the {@code strict} route keeps the defaults (only what is safe is tried again).
 */
class FaultWallTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SCENARIOS = List.of("r429", "r429-bare", "e500", "e503", "reset", "connect", "silent", "slow", "cut", "stall",
            "malformed", "nodone", "context", "filter", "prefill", "flap", "strict-reset", "strict-context", "accounting",
            "leave", "unreadable", "strict-unreadable");
    static Vertx mockVertx;
    static MockLlmServer primary, backup;
    static ServerSocket blackhole;
    static final List<Socket> backlog = new ArrayList<>();
    static TestGateway gw;
    static final AtomicInteger orgs = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        primary = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 5);
        backup = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 5);
        primary.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        backup.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // A listener whose accept queue is full: connecting to it hangs (the kernel drops the SYNs) until the connect timeout.
        blackhole = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(blackhole.getInetAddress(), blackhole.getLocalPort()), 200);
            } catch (java.io.IOException e) {
                // the queue is full
            }
            backlog.add(s);
        }
        StringBuilder upstreams = new StringBuilder("upstreams:\n");
        StringBuilder models = new StringBuilder("models:\n");
        for (String s : SCENARIOS) {
            String url = "http://127.0.0.1:" + (s.equals("connect") ? blackhole.getLocalPort() : primary.port());
            upstreams.append("  p-").append(s).append(": { url: \"").append(url).append("\", kind: ai, api_key: env:PROVIDER_KEY, connect_timeout: 300ms, ")
                    .append("response_timeout: 1s, first_token_timeout: 500ms, idle_timeout: 500ms }\n");
            models.append("  ").append(s).append(":\n    deployments: [{ upstream: p-").append(s).append(", model: mock-gpt-small }]\n")
                    .append("    fallbacks: [").append(s.equals("prefill") ? "claude-backup" : "backup").append("]\n");
        }
        upstreams.append("  backup: { url: \"http://127.0.0.1:").append(backup.port()).append("\", kind: ai, api_key: env:PROVIDER_KEY }\n");
        upstreams.append("  backup-anthropic: { url: \"http://127.0.0.1:").append(backup.port())
                .append("\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-api-key }\n");
        models.append("  backup:\n    deployments: [{ upstream: backup, model: mock-gpt-large }]\n");
        upstreams.append("  p-unreadable-anthropic: { url: \"http://127.0.0.1:").append(primary.port())
                .append("\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-api-key }\n");
        models.append("  unreadable-claude:\n    deployments: [{ upstream: p-unreadable-anthropic, provider: anthropic, model: claude-mock-haiku }]\n")
                .append("    fallbacks: [backup]\n");
        models.append("  claude-backup:\n    deployments: [{ upstream: backup-anthropic, provider: anthropic, model: claude-mock-haiku }]\n");
        gw = TestGateway.start(TestGateway.config("""
                  - id: wall
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    failover:
                      attempts: 3
                      backoff: 20ms
                      max_backoff: 100ms
                      max_retry_after: 3s
                      fallback_on: [unavailable, rate_limited, overloaded, server_error, uncertain, context_length, content_filter]
                  - id: strict
                    match: { methods: [POST], path: /strict/v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                breakers: { failure_rate: 50, minimum_calls: 4, window: 4, open_for: 1s, half_open_calls: 1 }
                budgets:
                  default_max_tokens: 100
                  rules:
                    - { id: wall, per: org, period: day, tokens: 1000000, routes: [wall, strict] }
                """).replace("upstreams:\n", upstreams.toString()) + models);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        for (Socket s : backlog) s.close();
        blackhole.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clearFaults() {
        primary.faults().clear();
        backup.faults().clear();
    }

    // ---- the scenarios

    @Test
    void rateLimitedWithRetryAfterIsRetriedOnTheSameDeploymentAfterTheWaitAsked() throws Exception {
        primary.faults().add(new dev.bastion.mock.MockFaults.Fault(dev.bastion.mock.MockFaults.Kind.STATUS, 429, "1", 1));
        Call c = call("r429", false, "");
        c.answeredBy("r429", 2).costsWhatTheAnswerUsed();
        assertThat(c.millis).as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(900);
        assertThat(primary.faults().chatRequests()).isEqualTo(2);
        assertThat(c.line).contains("\"failure\":\"rate_limited\"").contains("\"status\":429");
    }

    @Test
    void rateLimitedWithoutRetryAfterIsRetriedWithBackoffThenFallsBack() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STATUS, 429, 2));
        Call c = call("r429-bare", false, "");
        c.answeredBy("backup", 3).costsWhatTheAnswerUsed();
        assertThat(primary.faults().chatRequests()).isEqualTo(2);
    }

    @Test
    void aServerErrorOnceIsRetriedAndAnswered() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STATUS, 500, 1));
        call("e500", false, "").answeredBy("e500", 2).costsWhatTheAnswerUsed();
    }

    @Test
    void aPersistent503FallsBackAfterTheDeploymentsAttempts() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STATUS, 503, 10));
        Call c = call("e503", false, "");
        c.answeredBy("backup", 3).costsWhatTheAnswerUsed();
        assertThat(c.answer.path("model").asText()).as("the answer names the model that answered").isEqualTo("mock-gpt-large");
        assertThat(c.line).contains("\"deployment\":\"backup/mock-gpt-large\"").contains("\"failure\":\"overloaded\"");
    }

    @Test
    void aConnectionClosedAfterTheRequestFallsBackWithoutRetryingTheUncertainAttempt() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.RESET, 0, 5));
        Call c = call("reset", false, "");
        c.answeredBy("backup", 2).costsWhatTheAnswerUsed();
        assertThat(primary.faults().chatRequests()).as("uncertain: the provider may have billed it; not sent twice").isEqualTo(1);
        assertThat(c.line).contains("\"failure\":\"uncertain\"");
    }

    @Test
    void onTheStrictRouteAnUncertainFailureIsNotTriedAgain() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.RESET, 0, 5));
        Call c = strict("strict-reset", "");
        assertThat(c.status).isEqualTo(502);
        assertThat(c.answer.at("/error/code").asText()).isEqualTo("upstream_error");
        assertThat(c.answer.at("/error/request_id").asText()).isEqualTo(c.requestId);
        assertThat(primary.faults().chatRequests()).isEqualTo(1);
        assertThat(backup.faults().chatRequests()).isZero();
        c.costsNothing();
    }

    @Test
    void aConnectTimeoutIsSafeToRetryThenFallsBack() throws Exception {
        Call c = call("connect", false, "");
        c.answeredBy("backup", 3).costsWhatTheAnswerUsed();
        assertThat(c.line).contains("\"failure\":\"unavailable\"");
    }

    @Test
    void noResponseAtAllTimesOutAndFallsBack() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.NO_RESPONSE, 0, 5));
        Call c = call("silent", false, "");
        c.answeredBy("backup", 2).costsWhatTheAnswerUsed();
        assertThat(c.line).contains("\"failure\":\"uncertain\"");
    }

    @Test
    void aSlowFirstTokenIsReplacedBeforeAnythingReachedTheClient() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.SLOW_FIRST_TOKEN, 3000, 5));
        Call c = call("slow", true, ",\"stream_options\":{\"include_usage\":true}");
        assertThat(c.status).isEqualTo(200);
        assertThat(c.header("X-Bastion-Model")).isEqualTo("backup");
        assertThat(c.body).contains("data: [DONE]").doesNotContain("\"error\"").contains("mock-gpt-large").doesNotContain("mock-gpt-small");
        c.costsWhatTheStreamReported();
    }

    @Test
    void aStreamCutMidAnswerEndsWithAnErrorEventAndBillsWhatWasDelivered() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.CUT_AFTER, 4, 1));
        Call c = call("cut", true, "");
        c.endsWithAnErrorEvent();
        assertThat(c.header("X-Bastion-Model")).as("content had reached the client: no fallback").isEqualTo("cut");
        assertThat(c.line).contains("\"error\":\"upstream_stream_error\"");
        UsageRepository.Usage u = settled(c.org, 1);
        assertThat(u.tokens()).as("the prompt and the words delivered, not the whole reply").isGreaterThan(0).isLessThan(100);
    }

    @Test
    void theOfficialOpenAiSdkRaisesTheErrorOfAStreamCutMidAnswer() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.CUT_AFTER, 4, 1));
        String key = gw.createKey("wall-sdk", "invoke");
        List<String> lines = dev.bastion.testing.NodeSdk.node("failover.mjs", gw.uri("/v1").toString(), key, "cut");
        JsonNode c = JSON.readTree(lines.getFirst());
        assertThat(c.path("ok").asBoolean()).as(c.toString()).isFalse();
        assertThat(c.path("type").asText()).isEqualTo("APIError");
        assertThat(c.toString()).doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @Test
    void aStalledStreamEndsWithAnErrorEventAfterTheIdleTimeout() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STALL_AFTER, 4, 1));
        Call c = call("stall", true, "");
        c.endsWithAnErrorEvent();
        assertThat(c.body).contains("upstream_stream_timeout");
        assertThat(c.line).contains("\"error\":\"upstream_stream_timeout\"");
    }

    @Test
    void aMalformedChunkEndsTheStreamWithAnErrorEvent() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.MALFORMED_AFTER, 4, 1));
        Call c = call("malformed", true, "");
        c.endsWithAnErrorEvent();
        assertThat(c.body).contains("upstream_invalid_stream").doesNotContain("{\"content\n");
        assertThat(c.line).contains("\"error\":\"upstream_stream_error\"");
    }

    @Test
    void aStreamWithoutDoneNeverLooksComplete() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.NO_DONE, 0, 1));
        Call c = call("nodone", true, "");
        c.endsWithAnErrorEvent();
        assertThat(c.body).contains("upstream_stream_cut").contains("\"finish_reason\":\"stop\"");
    }

    @Test
    void aContextLength400FallsBackWhereTheRouteOptsIn() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.CONTEXT_LENGTH, 0, 5));
        Call c = call("context", false, "");
        c.answeredBy("backup", 2).costsWhatTheAnswerUsed();
        assertThat(primary.faults().chatRequests()).as("never retried on the same model").isEqualTo(1);
        assertThat(c.line).contains("\"failure\":\"context_length\"");
    }

    @Test
    void onTheStrictRouteAContextLength400IsTheProvidersOwnAnswer() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.CONTEXT_LENGTH, 0, 5));
        Call c = strict("strict-context", "");
        assertThat(c.status).isEqualTo(400);
        assertThat(c.answer.at("/error/code").asText()).isEqualTo("context_length_exceeded");
        assertThat(backup.faults().chatRequests()).isZero();
        c.costsNothing();
    }

    @Test
    void aContentFilter400FallsBackWhereTheRouteOptsIn() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.CONTENT_FILTER, 0, 5));
        Call c = call("filter", false, "");
        c.answeredBy("backup", 2).costsWhatTheAnswerUsed();
        assertThat(c.line).contains("\"failure\":\"content_filter\"");
    }

    @Test
    void aFallbackThatRejectsAnAssistantPrefillAnswersItsOwnRefusalAndCostsNothing() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STATUS, 503, 5));
        backup.faults().add(fault(dev.bastion.mock.MockFaults.Kind.REJECT_PREFILL, 0, 1));
        Call c = post("/v1/chat/completions", "{\"model\":\"prefill\",\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour\"},"
                + "{\"role\":\"assistant\",\"content\":\"The colour is\"}]}");
        assertThat(c.status).isEqualTo(400);
        assertThat(c.header("X-Bastion-Model")).isEqualTo("claude-backup");
        assertThat(c.answer.at("/error/message").asText()).contains("prefill");
        assertThat(c.answer.at("/error/request_id").asText()).isEqualTo(c.requestId);
        assertThat(c.line).contains("\"failure\":\"overloaded\"").contains("\"deployment\":\"backup-anthropic/claude-mock-haiku\"");
        c.costsNothing();
    }

    @Test
    void aFlappingPrimaryOpensItsBreakerIsSkippedThenProbedAndClosed() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STATUS, 500, 4));
        call("flap", false, "").answeredBy("backup", 3);
        call("flap", false, "").answeredBy("backup", 3);
        assertThat(primary.faults().chatRequests()).isEqualTo(4);
        assertThat(metric("bastion_deployment_state{deployment=\"p-flap/mock-gpt-small\"")).isEqualTo(2.0);
        JsonNode health = JSON.readTree(gw.send(HttpRequest.newBuilder(gw.adminUri("/health/deployments")).build()).body());
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("deployments").toString()).contains("{\"deployment\":\"p-flap/mock-gpt-small\",\"state\":\"open\"");
        // Open: the primary is not even tried.
        call("flap", false, "").answeredBy("backup", 1);
        assertThat(primary.faults().chatRequests()).isEqualTo(4);
        // After open_for, one probe goes through; it succeeds, and the breaker closes.
        Thread.sleep(1300);
        call("flap", false, "").answeredBy("flap", 1);
        assertThat(primary.faults().chatRequests()).isEqualTo(5);
        assertThat(metric("bastion_deployment_state{deployment=\"p-flap/mock-gpt-small\"")).isEqualTo(0.0);
        call("flap", false, "").answeredBy("flap", 1);
    }

    @Test
    void failedAttemptsCostNothingAndOnlyTheFallbacksAnswerIsBilled() throws Exception {
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.STATUS, 500, 2));
        Call c = call("accounting", false, "");
        c.answeredBy("backup", 3).costsWhatTheAnswerUsed();
        // Two failed attempts on the primary, then the fallback: the org's budget holds the fallback's usage and nothing else.
        assertThat(c.line).contains("\"deployment\":\"backup/mock-gpt-large\"").contains("\"failure\":\"server_error\"");
        assertThat(primary.faults().chatRequests()).isEqualTo(2);
    }

    @Test
    void clientsThatLeaveDoNotOpenTheBreakerOfAHealthyDeployment() throws Exception {
        // The provider is thinking when each client gives up: its connection closes, which is no failure of the deployment.
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.NO_RESPONSE, 0, 6));
        long before = primary.faults().chatRequests();
        for (int i = 0; i < 6; i++) {
            HttpRequest r = gw.request("/v1/chat/completions").timeout(java.time.Duration.ofMillis(300)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + gw.createKey("leave-" + i, "invoke"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"leave\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.send(r)).isInstanceOf(java.net.http.HttpTimeoutException.class);
        }
        dev.bastion.testing.Eventually.until("the six attempts ended", () -> primary.faults().chatRequests() - before == 6
                && metric("bastion_deployment_in_flight{deployment=\"p-leave/mock-gpt-small\"") == 0.0);
        assertThat(metric("bastion_deployment_attempts_total{deployment=\"p-leave/mock-gpt-small\",outcome=\"failure\"")).isZero();
        assertThat(metric("bastion_deployment_state{deployment=\"p-leave/mock-gpt-small\"")).isEqualTo(0.0);
        call("leave", false, "").answeredBy("leave", 1);
    }

    @Test
    void aSuccessThatIsNoAnswerIsAFailedAttemptNeverA200() throws Exception {
        // A 200 maintenance page in front of the provider: the provider may have been reached, so it is uncertain.
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.UNREADABLE, 0, 1));
        Call c = call("unreadable", false, "");
        c.answeredBy("backup", 2).costsWhatTheAnswerUsed();
        assertThat(c.line).contains("\"failure\":\"uncertain\"");
        // The same through a translated (Anthropic-format) deployment: its translation refuses to read it.
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.UNREADABLE, 0, 1));
        call("unreadable-claude", false, "").answeredBy("backup", 2);
        // Where the route keeps the defaults (uncertain is not tried again): a typed 502, not a 200 the client cannot parse.
        primary.faults().add(fault(dev.bastion.mock.MockFaults.Kind.UNREADABLE, 0, 1));
        Call strict = strict("strict-unreadable", "");
        assertThat(strict.status).isEqualTo(502);
        assertThat(strict.answer.at("/error/code").asText()).isEqualTo("upstream_error");
        assertThat(strict.body).doesNotContain("maintenance");
        strict.costsNothing();
    }

    // ---- helpers

    static dev.bastion.mock.MockFaults.Fault fault(dev.bastion.mock.MockFaults.Kind kind, int arg, int times) {
        return new dev.bastion.mock.MockFaults.Fault(kind, arg, null, times);
    }

    Call call(String model, boolean stream, String extra) throws Exception {
        return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":60,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the wall\"}]" + extra + "}");
    }

    Call strict(String model, String extra) throws Exception {
        return post("/strict/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]" + extra + "}");
    }

    Call post(String path, String body) throws Exception {
        String org = "wall-" + orgs.incrementAndGet();
        String key = gw.createKey(org, "invoke");
        long t0 = System.nanoTime();
        HttpResponse<String> r = gw.send(gw.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        JsonNode answer = r.body().startsWith("{") ? JSON.readTree(r.body()) : JSON.createObjectNode();
        return new Call(r.statusCode(), r, r.body(), answer, id, gw.accessLine(id), org, millis);
    }

    double metric(String prefix) throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build());
        for (String l : r.body().split("\n")) if (l.startsWith(prefix)) return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        throw new AssertionError("no metric " + prefix);
    }

    static UsageRepository.Usage settled(String org, long atLeast) throws Exception {
        Instant day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<UsageRepository.Usage> u;
        do {
            u = gw.store.usage().find("wall", "org:" + org, day);
            if (u.isPresent() && u.get().tokens() >= atLeast) return u.get();
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return u.orElse(null);
    }

    record Call(int status, HttpResponse<String> response, String body, JsonNode answer, String requestId, String line, String org, long millis) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        Call answeredBy(String publicModel, int attempts) {
            assertThat(status).as(body).isEqualTo(200);
            assertThat(header("X-Bastion-Model")).isEqualTo(publicModel);
            assertThat(header("X-Bastion-Attempts")).isEqualTo(Integer.toString(attempts));
            assertThat(line).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain("Say hello");
            return this;
        }

        void costsWhatTheAnswerUsed() throws Exception {
            long used = answer.at("/usage/total_tokens").asLong();
            assertThat(used).isPositive();
            UsageRepository.Usage u = settled(org, used);
            assertThat(u).isNotNull();
            assertThat(u.tokens()).as("the answer's usage, nothing for the failed attempts").isEqualTo(used);
        }

        void costsWhatTheStreamReported() throws Exception {
            long used = 0;
            for (String l : body.split("\n")) {
                if (l.startsWith("data: {") && l.contains("\"usage\":{")) used = JSON.readTree(l.substring(6)).at("/usage/total_tokens").asLong();
            }
            assertThat(used).isPositive();
            assertThat(settled(org, used).tokens()).isEqualTo(used);
        }

        void costsNothing() throws Exception {
            Thread.sleep(1200); // settled usage reaches the store every second
            Instant day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
            Optional<UsageRepository.Usage> u = gw.store.usage().find("wall", "org:" + org, day);
            assertThat(u.map(UsageRepository.Usage::tokens).orElse(0L)).isZero();
        }

        void endsWithAnErrorEvent() {
            assertThat(status).isEqualTo(200);
            assertThat(body).contains("data: {\"error\":{").doesNotContain("[DONE]");
            String last = body.strip();
            assertThat(last.substring(last.lastIndexOf("data: "))).startsWith("data: {\"error\":{");
        }
    }
}
