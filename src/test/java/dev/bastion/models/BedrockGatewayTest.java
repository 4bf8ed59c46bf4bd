package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bedrock deployments through the catalogue over real HTTP, to the stand-in's Converse API, which verifies
 * every request's SigV4 signature with its own copy of the credentials (and refuses what Bedrock refuses).
 */
class BedrockGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_ID = "AKIAMOCKBEDROCK00001";
    static final String SECRET = "mock/bedrock+Secret0123456789abcdefABCDEF";
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    static Vertx mockVertx;
    static MockLlmServer mock;
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0).bedrock(KEY_ID, SECRET, null, "us-east-1");
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String url = "\"http://127.0.0.1:" + mock.port() + "\"";
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                  - id: embed
                    match: { methods: [POST], path: /v1/embeddings }
                    auth: { methods: [api_key] }
                    llm: embeddings
                models:
                  titan:
                    deployments:
                      - { upstream: bedrock, provider: bedrock, model: "amazon.titan-embed-text-v2:0", region: us-east-1 }
                  haiku:
                    deployments:
                      - { upstream: bedrock, provider: bedrock, model: "%s", region: us-east-1 }
                  haiku-eu:
                    deployments:
                      - { upstream: bedrock, provider: bedrock, model: "%s", region: eu-west-1 }
                  haiku-wrong-key:
                    deployments:
                      - { upstream: bedrock-wrong, provider: bedrock, model: "%s", region: us-east-1 }
                """.formatted(MODEL, MODEL, MODEL)).replace("upstreams:\n", "upstreams:\n"
                + "  bedrock: { url: " + url + ", kind: ai, aws_credentials: { access_key_id: env:AWS_KEY_ID, secret_access_key: env:AWS_SECRET } }\n"
                + "  bedrock-wrong: { url: " + url + ", kind: ai, aws_credentials: { access_key_id: env:AWS_KEY_ID, secret_access_key: env:AWS_WRONG } }\n"),
                1, Map.of("AWS_KEY_ID", KEY_ID, "AWS_SECRET", SECRET, "AWS_WRONG", "not-the-secret-0123456789abcdefghijklmn"));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return gw.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> chat(String model, String extra) throws Exception {
        return post("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Say hello\"}]" + extra + "}");
    }

    static HttpResponse<String> embed(String body) throws Exception {
        return gw.send(gw.request("/v1/embeddings").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void titanEmbeddingsAreASignedInvokeAnsweredAsOpenAisList() throws Exception {
        HttpResponse<String> r = embed("{\"model\":\"titan\",\"input\":\"hello there\",\"dimensions\":256}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("model").asText()).isEqualTo("amazon.titan-embed-text-v2:0");
        assertThat(answer.at("/data/0/embedding")).hasSize(256);
        assertThat(answer.at("/usage/prompt_tokens").asInt()).as("Titan's inputTextTokenCount").isPositive();
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"deployment\":\"bedrock/amazon.titan-embed-text-v2:0\"").doesNotContain(SECRET).doesNotContain("Signature=");
        // Bedrock's own refusal (Titan v2 takes 256, 512 or 1024), in OpenAI's shape.
        HttpResponse<String> odd = embed("{\"model\":\"titan\",\"input\":\"hello there\",\"dimensions\":300}");
        assertThat(odd.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(odd.body()).at("/error/code").asText()).isEqualTo("validation_exception");
    }

    @Test
    void whatTitanCannotTakeAndModelsThatAreNotTitanAreRefusedBeforeSigning() throws Exception {
        HttpResponse<String> two = embed("{\"model\":\"titan\",\"input\":[\"a\",\"b\"]}");
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(two.body()).at("/error/code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(JSON.readTree(two.body()).at("/error/message").asText()).contains("one input per request");
        HttpResponse<String> claude = embed("{\"model\":\"haiku\",\"input\":\"a\"}");
        assertThat(claude.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(claude.body()).at("/error/message").asText()).contains("only Amazon Titan text embeddings").doesNotContain(MODEL);
    }

    @Test
    void aSignedRequestIsAnsweredInOpenAisFormat() throws Exception {
        HttpResponse<String> r = chat("haiku", ",\"max_tokens\":50");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.path("model").asText()).isEqualTo(MODEL);
        assertThat(answer.at("/choices/0/message/content").asText()).startsWith("Hello from Bastion's mock model.");
        assertThat(answer.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(answer.at("/usage/completion_tokens").asInt()).isPositive();
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"deployment\":\"bedrock/" + MODEL + "\"").doesNotContain(SECRET).doesNotContain("Signature=");
    }

    @Test
    void whatTheClientSendsBesideTheBodyIsSignedToo() throws Exception {
        // Client headers that reach the provider are covered by the signature (and the client's own AWS headers are replaced).
        HttpResponse<String> r = post("{\"model\":\"haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "X-Amz-Date", "20000101T000000Z", "X-Amz-Security-Token", "forged", "X-Custom-Trace", "a   b");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aStreamArrivesAsOpenAiChunksEndedByDone() throws Exception {
        HttpResponse<String> r = chat("haiku", ",\"max_tokens\":50,\"stream\":true");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String l : r.body().split("\n")) {
            if (!l.startsWith("data: ") || l.equals("data: [DONE]")) continue;
            JsonNode c = JSON.readTree(l.substring(6));
            assertThat(c.path("model").asText()).isEqualTo(MODEL);
            text.append(c.at("/choices/0/delta/content").asText(""));
            if (c.at("/choices/0/finish_reason").isTextual()) finish = c.at("/choices/0/finish_reason").asText();
        }
        assertThat(text.toString()).startsWith("Hello from Bastion's mock model.");
        assertThat(finish).isIn("stop", "length");
        assertThat(r.body().trim()).endsWith("data: [DONE]");
        assertThat(r.body()).doesNotContain("\"choices\":[]");
        HttpResponse<String> asked = chat("haiku", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertThat(asked.body()).contains("\"choices\":[]").contains("\"prompt_tokens\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aToolCallFromBedrockIsAnOpenAiToolCall() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        HttpResponse<String> r = post("{\"model\":\"haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + tools + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(choice.at("/message/tool_calls/0/function/arguments").asText()).path("city").asText()).isEqualTo("Paris");
        HttpResponse<String> s = post("{\"model\":\"haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + tools + "}");
        assertThat(s.body()).contains("\"name\":\"get_weather\"").contains("\"finish_reason\":\"tool_calls\"").endsWith("data: [DONE]\n\n");
        // The next turn, with the call and its result, is what Converse accepts (toolUse/toolResult with the tools).
        String id = choice.at("/message/tool_calls/0/id").asText();
        HttpResponse<String> next = post("{\"model\":\"haiku\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"content\":\"18 C\"},"
                + "{\"role\":\"user\",\"content\":\"Thanks\"}]" + tools + "}");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    }

    @Test
    void whatConverseCannotExpressIsRefusedBeforeItIsSent() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"haiku\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(error.path("message").asText()).contains("inline only");
    }

    @Test
    void aValidationExceptionReachesTheClientInOpenAisErrorShape() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"haiku\",\"messages\":[{\"role\":\"assistant\",\"content\":\"Sure.\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("validation_exception");
        assertThat(error.path("message").asText()).contains("must start with a user message");
    }

    @Test
    void aWrongSecretOrRegionIsRefusedByTheProviderAndNothingSecretComesBack() throws Exception {
        HttpResponse<String> wrong = chat("haiku-wrong-key", "");
        assertThat(wrong.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(wrong.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("authentication_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_signature_exception");
        assertThat(wrong.body()).doesNotContain(SECRET).doesNotContain("not-the-secret").doesNotContain("Signature=");
        HttpResponse<String> eu = chat("haiku-eu", "");
        assertThat(eu.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(eu.body()).at("/error/message").asText()).contains("region");
        assertThat(gw.accessLine(wrong.headers().firstValue("X-Request-Id").orElseThrow())).doesNotContain("not-the-secret").doesNotContain(SECRET);
    }

    @Test
    void aStreamCutOrCorruptedMidAnswerNeverEndsCleanly() throws Exception {
        String body = "{\"model\":\"haiku\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        HttpResponse<String> corrupted = post(body, "X-Mock-Corrupt-After", "3");
        assertThat(corrupted.body()).contains("upstream_invalid_stream").doesNotContain("[DONE]").contains("\"content\":\" from\"");
        String received;
        try {
            received = post(body, MockLlmServer.CUT_AFTER_HEADER, "3").body();
        } catch (java.io.IOException cut) {
            received = null; // the client's connection was cut: a truncated answer cannot look complete
        }
        if (received != null) assertThat(received).doesNotContain("[DONE]").contains("\"error\"");
    }
}
