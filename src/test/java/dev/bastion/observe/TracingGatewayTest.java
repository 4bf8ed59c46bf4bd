package dev.bastion.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.mock.MockFaults;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.OtlpReceiver;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing (O1) end to end: the gateway exports over OTLP/HTTP to a receiver of the test's own that decodes
 * the protobuf; the span tree (server span, a span per chain step, a span per upstream attempt), the trust rule
 * for an inbound {@code traceparent}, what the upstream receives, and that no secret or prompt is in a span.
 */
class TracingGatewayTest {
    static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static final String PROMPT = "my password is hunter2 and my SSN is 078-05-1120";
    static final String SPAN_SERVER = "2", SPAN_CLIENT = "3";
    static OtlpReceiver otlp;
    static Vertx mockVertx;
    static MockLlmServer mock;
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        otlp = new OtlpReceiver();
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String config = TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    content_types: [application/json]
                    auth: { methods: [api_key] }
                    require: { scopes_all: [invoke] }
                  - id: llm
                    match: { methods: [POST], path: /llm/v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    failover: { attempts: 3, backoff: 20ms, max_backoff: 50ms }
                models:
                  m1:
                    deployments: [{ upstream: mock, model: mock-gpt-small }]
                observability:
                  tracing:
                    enabled: true
                    endpoint: "%s"
                    service_name: bastion-test
                    headers: { Authorization: env:COLLECTOR_TOKEN, X-Tenant: test }
                    trusted_callers: [127.0.0.2/32]
                """.formatted(otlp.endpoint())).replace("upstreams:\n", "upstreams:\n  mock: { url: \"http://127.0.0.1:" + mock.port()
                + "\", kind: ai, api_key: env:PROVIDER_KEY }\n");
        gw = TestGateway.start(config, 1, Map.of("COLLECTOR_TOKEN", "Bearer collector-secret-77"));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        otlp.close();
    }

    @Test
    void anUntrustedCallersTraceparentStartsANewTraceLinkedToItAndTheSpanTreeIsComplete() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions?token=query-secret-123").header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01")
                .header("tracestate", "client=private-state").header("baggage", "user.id=admin,tenant=globex")
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject line = new JsonObject(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow()));
        String traceId = line.getString("trace_id");
        assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo(CLIENT_TRACE);
        assertThat(line.getString("operation")).isEqualTo("proxy");
        assertThat(line.containsKey("user_id")).isTrue();
        assertThat(line.getString("user_id")).isNull(); // an API key, not a person

        List<OtlpReceiver.Span> spans = otlp.trace(traceId, 6);
        OtlpReceiver.Span server = only(spans, s -> s.kind() == 2);
        assertThat(server.root()).as("not continued from an untrusted caller").isTrue();
        assertThat(server.name()).isEqualTo("POST /v1/chat/completions");
        assertThat(server.attributes()).containsEntry("http.request.method", "POST").containsEntry("bastion.route", "chat")
                .containsEntry("http.response.status_code", 200L).containsEntry("bastion.operation", "proxy").containsEntry("bastion.org_id", "acme");
        assertThat(server.links()).singleElement().satisfies(l -> {
            assertThat(l.traceId()).isEqualTo(CLIENT_TRACE);
            assertThat(l.spanId()).isEqualTo(CLIENT_SPAN);
            assertThat(l.attributes()).containsEntry("bastion.untrusted", true);
        });
        assertThat(server.resource()).containsEntry("service.name", "bastion-test");
        List<String> steps = spans.stream().filter(s -> s.kind() == 1).peek(s -> assertThat(s.parentSpanId()).isEqualTo(server.spanId()))
                .map(OtlpReceiver.Span::name).toList();
        assertThat(steps).contains("framing", "path", "route", "authenticate", "authorize");
        OtlpReceiver.Span attempt = only(spans, s -> s.kind() == 3);
        assertThat(attempt.parentSpanId()).isEqualTo(server.spanId());
        assertThat(attempt.attributes()).containsEntry("bastion.upstream", "app").containsEntry("bastion.attempt", 1L)
                .containsEntry("http.response.status_code", 200L);

        // The upstream continues Bastion's attempt span, and never sees the client's trace state.
        var upstream = gw.upstream.last().headers();
        // Flags: sampled, and (W3C Trace Context level 2) "random", since Bastion made the trace id.
        assertThat(upstream.get("traceparent")).matches("00-" + traceId + "-" + attempt.spanId() + "-0[13]");
        assertThat(upstream.get("tracestate")).isNull();
        assertThat(upstream.get("baggage")).as("an untrusted caller's baggage claims nothing upstream").isNull();
        noSecretsIn(spans);
        // The exporter speaks OTLP/HTTP protobuf, with the configured headers (the secret one resolved).
        assertThat(otlp.contentTypes()).allMatch(t -> t.startsWith("application/x-protobuf"));
        assertThat(otlp.headers.getLast()).containsEntry("authorization", "Bearer collector-secret-77").containsEntry("x-tenant", "test");
    }

    @Test
    void aTrustedCallersTraceparentIsContinuedAndItsTracestatePassedOn() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\ntraceparent: 00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01\r\ntracestate: vendor=ok\r\nbaggage: deploy=canary"
                + "\r\nX-Request-Id: trusted-trace-request-1\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        String answer;
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.2", 0)); // one of trusted_callers
            s.connect(new InetSocketAddress("127.0.0.1", gw.gateway.publicPort()), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 200");
        JsonObject line = new JsonObject(gw.accessLine("trusted-trace-request-1"));
        assertThat(line.getString("trace_id")).isEqualTo(CLIENT_TRACE);
        List<OtlpReceiver.Span> spans = otlp.trace(CLIENT_TRACE, 6);
        OtlpReceiver.Span server = only(spans, s -> s.kind() == 2);
        assertThat(server.parentSpanId()).as("continued").isEqualTo(CLIENT_SPAN);
        assertThat(server.links()).isEmpty();
        OtlpReceiver.Span attempt = only(spans, s -> s.kind() == 3);
        var upstream = gw.upstream.last().headers();
        assertThat(upstream.get("traceparent")).isEqualTo("00-" + CLIENT_TRACE + "-" + attempt.spanId() + "-01");
        assertThat(upstream.get("tracestate")).isEqualTo("vendor=ok");
        assertThat(upstream.get("baggage")).isEqualTo("deploy=canary");
    }

    @Test
    void aRetriedRequestHasOneSpanPerAttempt() throws Exception {
        mock.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 429, null, 1));
        HttpResponse<String> r = gw.postJson("/llm/v1/chat/completions", key,
                "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject line = new JsonObject(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow()));
        assertThat(line.getString("operation")).isEqualTo("chat");
        List<OtlpReceiver.Span> spans = otlp.trace(line.getString("trace_id"), 8);
        OtlpReceiver.Span server = only(spans, s -> s.kind() == 2);
        List<OtlpReceiver.Span> attempts = spans.stream().filter(s -> s.kind() == 3)
                .sorted(java.util.Comparator.comparing(s -> (Long) s.attributes().get("bastion.attempt"))).toList();
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.parentSpanId()).isEqualTo(server.spanId());
            assertThat(a.attributes()).containsEntry("bastion.deployment", "mock/mock-gpt-small");
        });
        assertThat(attempts.get(0).attributes()).containsEntry("bastion.attempt", 1L).containsEntry("bastion.failure", "rate_limited")
                .containsEntry("http.response.status_code", 429L);
        assertThat(attempts.get(1).attributes()).containsEntry("bastion.attempt", 2L).containsEntry("http.response.status_code", 200L)
                .doesNotContainKey("bastion.failure");
        assertThat(spans.stream().filter(s -> s.kind() == 1).map(OtlpReceiver.Span::name)).contains("authenticate", "model", "body");
        noSecretsIn(spans);
    }

    @Test
    void tracingOffStartsNoExporterAndForwardsNoUntrustedTraceparent() throws Exception {
        long before = exporterThreads();
        try (TestGateway off = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                """))) {
            HttpResponse<String> r = off.send(off.request("/v1/chat/completions").header("Authorization", "Bearer " + off.createKey("acme", "invoke"))
                    .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(off.upstream.last().headers().get("traceparent")).as("an untrusted client's trace context is not passed on").isNull();
            JsonObject line = new JsonObject(off.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow()));
            assertThat(line.getString("trace_id")).isNull();
            assertThat(exporterThreads()).isEqualTo(before);
            HttpResponse<String> status = off.send(HttpRequest.newBuilder(off.adminUri("/health/status")).build());
            assertThat(new JsonObject(status.body()).getJsonObject("components").containsKey("tracing")).isFalse();
        }
    }

    @Test
    void droppedSpansAndExportsAreMetrics() throws Exception {
        HttpResponse<String> metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build());
        assertThat(metrics.body()).contains("bastion_tracing_spans_dropped_total").contains("bastion_tracing_spans_exported_total")
                .contains("bastion_tracing_export_failures_total");
    }

    private static long exporterThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("BatchSpanProcessor")).count();
    }

    private static void noSecretsIn(List<OtlpReceiver.Span> spans) {
        String all = spans.toString();
        assertThat(all).doesNotContain(key).doesNotContain(key.substring(4, 20)).doesNotContain(TestGateway.PROVIDER_KEY)
                .doesNotContain("hunter2").doesNotContain("078-05-1120").doesNotContain("query-secret-123").doesNotContain("private-state")
                .doesNotContain("collector-secret-77").doesNotContain("127.0.0.1");
    }

    private static OtlpReceiver.Span only(List<OtlpReceiver.Span> spans, java.util.function.Predicate<OtlpReceiver.Span> p) {
        List<OtlpReceiver.Span> of = spans.stream().filter(p).toList();
        assertThat(of).as("spans: %s", spans).hasSize(1);
        return of.getFirst();
    }
}
