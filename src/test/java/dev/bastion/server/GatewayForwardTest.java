package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forward step (U1, U2, Z4): what crosses to the upstream and back, streaming, and upstream failures. */
class GatewayForwardTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    content_types: [application/json]
                    auth: { methods: [api_key] }
                  - id: app-api
                    match: { methods: [GET, POST, DELETE], path: /app/* }
                    upstream: app
                    strip_prefix: /app
                    auth: { methods: [api_key] }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @BeforeEach
    void echo() {
        gw.upstream.behave(StubUpstream::echoJson);
    }

    @Test
    void clientCredentialsNeverReachTheUpstreamButTheProviderKeyDoes() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Authorization", "Bearer " + key)
                .header("X-Api-Key", key).header("Cookie", "session=abc").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        StubUpstream.Seen seen = gw.upstream.last();
        assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        assertThat(seen.headers().get("X-Api-Key")).isNull();
        assertThat(seen.headers().get("Cookie")).isNull();
        assertThat(seen.headers().toString()).doesNotContain(key);
        assertThat(seen.body().toString()).isEqualTo("{\"model\":\"m\"}");
    }

    @Test
    void spoofedIdentityHeadersAreStrippedAndBastionSetsTheRealOnes() throws Exception {
        var created = gw.createKeyRecord("acme", "invoke");
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Authorization", "Bearer " + created.plaintext())
                .header("X-Org-Id", "victim-org").header("X-User-Id", "admin").header("X-Bastion-Org", "victim-org")
                .header("X-Bastion-Key-Id", "key_forged").header("X-Forwarded-For", "6.6.6.6").header("X-Real-IP", "6.6.6.6")
                .header("Forwarded", "for=6.6.6.6").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        var h = gw.upstream.last().headers();
        assertThat(h.get("X-Org-Id")).isNull();
        assertThat(h.get("X-User-Id")).isNull();
        assertThat(h.get("X-Real-IP")).isNull();
        assertThat(h.get("Forwarded")).isNull();
        assertThat(h.getAll("X-Bastion-Org")).containsExactly("acme");
        assertThat(h.getAll("X-Bastion-Key-Id")).containsExactly(created.record().id());
        assertThat(h.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(h.get("X-Request-Id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void anUntrustedClientCannotClaimTls() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/app/x").header("Authorization", "Bearer " + key)
                .header("X-Forwarded-Proto", "https").GET().build());
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(gw.upstream.last().headers().getAll("X-Forwarded-Proto")).containsExactly("http");
    }

    @Test
    void hopByHopAndConnectionListedHeadersAreNotForwarded() throws Exception {
        gw.send(gw.request("/app/items").header("Authorization", "Bearer " + key)
                .header("X-Secret-Hop", "1").header("Te", "trailers").GET().build());
        var h = gw.upstream.last().headers();
        assertThat(h.get("Te")).isNull();
        assertThat(h.get("Host")).isEqualTo("127.0.0.1:" + gw.upstream.port());
    }

    @Test
    void prefixRouteStripsPrefixAndKeepsQuery() throws Exception {
        HttpResponse<String> r = gw.get("/app/items/42?expand=owner&x=%20y", key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/items/42?expand=owner&x=%20y");
        gw.get("/app", key);
        assertThat(gw.upstream.last().uri()).isEqualTo("/");
    }

    @Test
    void upstreamBannersAreRemovedAndSecurityHeadersCannotBeWeakened() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Server", "secret-internal/2.3").putHeader("X-Powered-By", "php")
                .putHeader("X-Frame-Options", "ALLOWALL").putHeader("X-Upstream", "kept").end("{}"));
        HttpResponse<String> r = gw.get("/app/x", key);
        assertThat(r.headers().firstValue("Server")).isEmpty();
        assertThat(r.headers().firstValue("X-Powered-By")).isEmpty();
        assertThat(r.headers().allValues("X-Frame-Options")).containsExactly("DENY");
        assertThat(r.headers().firstValue("X-Upstream")).hasValue("kept");
    }

    @Test
    void upstreamErrorStatusesPassThroughUnchanged() throws Exception {
        gw.upstream.behave(req -> req.response().setStatusCode(429).putHeader("Retry-After", "7").end("{\"error\":\"slow down\"}"));
        HttpResponse<String> r = gw.get("/app/x", key);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(r.body()).isEqualTo("{\"error\":\"slow down\"}");
    }

    @Test
    void slowUpstreamIs504InTheJsonShape() throws Exception {
        gw.upstream.behave(req -> gw.vertx.setTimer(3000, t -> req.response().end("late")));
        long t0 = System.nanoTime();
        HttpResponse<String> r = gw.get("/app/slow", key);
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("upstream_timeout");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2900); // response_timeout is 1s
    }

    @Test
    void aStalledEventStreamEndsWithAnErrorEventNeverLookingComplete() throws Exception {
        gw.upstream.behave(req -> {
            req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write("data: first\n\n");
            // ...and then nothing: longer than the upstream idle_timeout (1s)
        });
        HttpRequest req = gw.request("/app/stall").header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<InputStream> r = gw.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        byte[] buf = new byte[4096];
        StringBuilder got = new StringBuilder();
        boolean failed = false;
        try (InputStream in = r.body()) {
            int n;
            while ((n = in.read(buf)) >= 0) got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            failed = true; // the chunked body ended without its terminator
        }
        assertThat(got.toString()).contains("data: first");
        // Headers are gone: the stream ends with an error event the client's SDK raises, never a clean end or [DONE].
        assertThat(failed).isFalse();
        assertThat(got.toString()).contains("data: {\"error\":{").contains("\"type\":\"upstream_stream_timeout\"").doesNotContain("[DONE]");
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"error\":\"upstream_stream_timeout\"");
    }

    @Test
    void unreachableUpstreamIs502InTheJsonShape() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String yaml = TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                """).replace("{{upstream}}", "http://127.0.0.1:" + deadPort);
        try (TestGateway down = TestGateway.start(yaml)) {
            HttpResponse<String> r = down.postJson("/v1/chat/completions", down.createKey("acme", "invoke"), "{}");
            assertThat(r.statusCode()).isEqualTo(502);
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("upstream_unavailable");
            assertThat(error.getString("message")).doesNotContain("127.0.0.1").doesNotContain(Integer.toString(deadPort));
            assertThat(error.getString("request_id")).isNotBlank();
        }
    }

    @Test
    void sseChunksReachTheClientBeforeTheStreamEnds() throws Exception {
        MockLlmServer mock = new MockLlmServer(gw.vertx, "127.0.0.1", 0, null, 100);
        mock.start().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        String yaml = TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                """).replace("{{upstream}}", "http://127.0.0.1:" + mock.port());
        try (TestGateway llm = TestGateway.start(yaml)) {
            String k = llm.createKey("acme", "invoke");
            HttpRequest req = llm.request("/v1/chat/completions").header("Authorization", "Bearer " + k).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-gpt-small\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build();
            long t0 = System.nanoTime();
            HttpResponse<InputStream> r = llm.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            List<Long> arrivals = new ArrayList<>();
            List<String> events = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        arrivals.add(System.nanoTime() - t0);
                        events.add(line);
                    }
                }
            }
            long total = System.nanoTime() - t0;
            assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
            assertThat(events.size()).isGreaterThan(20);
            // The mock pauses 100ms between ~28 chunks (~2.8s). Buffering would deliver everything at the end.
            long firstMs = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1));
            long totalMs = TimeUnit.NANOSECONDS.toMillis(total);
            System.out.printf("SSE through Bastion: first content chunk after %d ms, stream complete after %d ms%n", firstMs, totalMs);
            assertThat(firstMs).isLessThan(totalMs / 4);
            assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(arrivals.size() / 2))).isLessThan(totalMs * 3 / 4);
        } finally {
            mock.close();
        }
    }

    @Test
    void clientDisconnectMidStreamStopsTheUpstreamAtOnce() throws Exception {
        // The upstream sends one chunk, then "thinks" silently: only Bastion noticing the client left can stop it
        // before the upstream idle timeout (1s) would.
        gw.upstream.behave(req -> req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write("data: first\n\n"));
        try (var raw = new dev.bastion.testing.RawHttp(gw.gateway.publicPort())) {
            raw.write("GET /app/forever HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n");
            Thread.sleep(200);
        } // the client goes away mid-stream
        long closedAt = System.nanoTime();
        while (!gw.upstream.closedEarly().contains("/forever") && System.nanoTime() - closedAt < 2_000_000_000L) Thread.sleep(10);
        assertThat(gw.upstream.closedEarly()).contains("/forever");
        assertThat((System.nanoTime() - closedAt) / 1_000_000).as("stopped by the disconnect, not by the 1s idle timeout").isLessThan(600);
    }
}
