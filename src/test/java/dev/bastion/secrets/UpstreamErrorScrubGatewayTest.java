package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * K3 on the way back: a provider — or a proxy in front of it — that echoes the credential Bastion sent in its
 * error ("Invalid API key: sk-…", a debug header) must not hand Bastion's provider key to the caller.
 */
class UpstreamErrorScrubGatewayTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: "off"
                  - id: api
                    match: { methods: [GET], path: /api/* }
                    upstream: app
                    auth: { methods: [api_key] }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
    }

    /** Answers {@code status} with the Authorization header it received, in the body and in a header. */
    static void echoCredential(int status, String contentType) {
        gw.upstream.behave((HttpServerRequest req) -> {
            String sent = req.getHeader("Authorization");
            req.response().headers().add("Set-Cookie", "a=1").add("Set-Cookie", "debug=" + sent.substring(7)); // two values, one the key
            req.response().setStatusCode(status).putHeader("Content-Type", contentType).putHeader("X-Debug-Auth", sent)
                    .end(contentType.contains("json")
                            ? "{\"error\":{\"message\":\"Incorrect API key provided: " + sent.substring(7) + ". You can find your API key at ...\",\"type\":\"invalid_request_error\"}}"
                            : "<html><body>401: bad credentials " + sent + "</body></html>");
        });
    }

    @Test
    void aProviderErrorThatEchoesTheKeyReachesTheCallerWithoutIt() throws Exception {
        for (int status : new int[] {401, 403, 429, 500}) {
            echoCredential(status, "application/json");
            HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(gw.upstream.last().headers().get("Authorization")).as("the key was sent").isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
            assertThat(r.statusCode()).isEqualTo(status);
            assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY).contains("Incorrect API key provided: [REDACTED]");
            assertThat(r.headers().map().toString()).doesNotContain(TestGateway.PROVIDER_KEY);
            assertThat(r.headers().allValues("Set-Cookie")).as("every value kept, the key taken out").containsExactly("a=1", "debug=[REDACTED]");
        }
        echoCredential(502, "text/html");
        HttpResponse<String> html = gw.get("/api/x", key);
        assertThat(html.statusCode()).isEqualTo(502);
        assertThat(html.body()).doesNotContain(TestGateway.PROVIDER_KEY).contains("bad credentials Bearer [REDACTED]");
        assertThat(String.join("\n", gw.accessLines())).doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @Test
    void aCompressedErrorIsDecodedToBeReadAndOneBastionCannotDecodeIsWithheld() throws Exception {
        gw.upstream.behave(req -> {
            byte[] body = ("{\"error\":\"bad key " + req.getHeader("Authorization") + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
                gz.write(body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            req.response().setStatusCode(401).putHeader("Content-Type", "application/json").putHeader("Content-Encoding", "gzip")
                    .end(io.vertx.core.buffer.Buffer.buffer(zipped.toByteArray()));
        });
        HttpResponse<String> r = gw.send(gw.request("/api/x").header("Authorization", "Bearer " + key).header("Accept-Encoding", "gzip").GET().build());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Encoding")).as("sent decoded").isEmpty();
        assertThat(r.body()).isEqualTo("{\"error\":\"bad key Bearer [REDACTED]\"}");

        gw.upstream.behave(req -> req.response().setStatusCode(401).putHeader("Content-Encoding", "br")
                .end(io.vertx.core.buffer.Buffer.buffer(new byte[] {0x1b, 0x10, 0x00, 0x00, 0x2a})));
        HttpResponse<String> unreadable = gw.send(gw.request("/api/x").header("Authorization", "Bearer " + key).header("Accept-Encoding", "br").GET().build());
        assertThat(unreadable.statusCode()).isEqualTo(502);
        assertThat(unreadable.body()).contains("\"code\":\"upstream_error\"").contains("request_id");
    }

    @Test
    void aSuccessPassesUnreadAndStillCompressed() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/octet-stream").putHeader("Content-Encoding", "gzip")
                .end(io.vertx.core.buffer.Buffer.buffer(new byte[] {31, -117, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0})));
        HttpResponse<byte[]> r = gw.http.send(gw.request("/api/x").header("Authorization", "Bearer " + key).header("Accept-Encoding", "gzip").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gw.upstream.last().headers().get("Accept-Encoding")).as("the client's own, for a body only an error would be read").isEqualTo("gzip");
    }
}
