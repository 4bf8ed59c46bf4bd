package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A translated answer must be readable by Bastion even when nothing else on the route reads it (guard off,
 * no budget) and the client asks for gzip: the provider is asked for an uncompressed answer, as a real
 * Messages endpoint that compresses when allowed would otherwise send gzip the translator cannot parse.
 */
class TranslatedAnswerEncodingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theProviderIsAskedForAnUncompressedAnswerWhateverTheClientAccepts() throws Exception {
        Vertx vertx = Vertx.vertx();
        CopyOnWriteArrayList<String> encodings = new CopyOnWriteArrayList<>();
        byte[] answer = ("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Hello there\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":9,\"output_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            String accept = req.getHeader("Accept-Encoding");
            encodings.add(String.valueOf(accept));
            req.body().onSuccess(b -> {
                if (accept != null && accept.contains("gzip")) { // what a compressing server does when allowed
                    req.response().putHeader("Content-Type", "application/json").putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip(answer)));
                } else {
                    req.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(answer));
                }
            });
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (TestGateway gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: "off"
                models:
                  claude:
                    deployments:
                      - { upstream: anthropic, provider: anthropic, model: claude-x }
                """).replace("upstreams:\n", "upstreams:\n  anthropic: { url: \"http://127.0.0.1:" + server.actualPort()
                + "\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-api-key }\n"))) {
            String key = gw.createKey("acme", "invoke");
            HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + key).header("Accept-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello there");
            assertThat(encodings).containsExactly("identity");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
