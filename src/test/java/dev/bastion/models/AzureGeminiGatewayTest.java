package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Azure OpenAI and Gemini deployments through the catalogue, over real HTTP to the mock's stand-ins, which
 * demand the key in each provider's own header and refuse what the real APIs refuse: a whole answer, a
 * stream, a tool call, the providers' refusals in OpenAI's shape — and the official OpenAI SDK against both.
 */
class AzureGeminiGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Vertx mockVertx;
    static MockLlmServer mock;
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                models:
                  azure-gpt:
                    deployments:
                      - { upstream: azure, provider: azure, model: prod-gpt-4o, api_version: 2024-10-21 }
                  gemini:
                    deployments:
                      - { upstream: google, provider: gemini, model: gemini-mock-flash }
                """).replace("upstreams:\n", "upstreams:\n"
                + "  azure: { url: \"http://127.0.0.1:" + mock.port() + "\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: api-key }\n"
                + "  google: { url: \"http://127.0.0.1:" + mock.port() + "\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-goog-api-key }\n"));
        key = gw.createKey("wide", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> chat(String model, String content, String extra) throws Exception {
        return post("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]" + extra + "}");
    }

    static HttpResponse<String> post(String body) throws Exception {
        return gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** How the mock's reply to "Say hello" begins. */
    static final String HELLO_REPLY = "Hello from Bastion's mock model. Your message had 2 words.";
    static final Map<String, String> DEPLOYED = Map.of("azure-gpt", "prod-gpt-4o", "gemini", "gemini-mock-flash");
    static final Map<String, String> UPSTREAM = Map.of("azure-gpt", "azure", "gemini", "google");

    @ParameterizedTest
    @ValueSource(strings = {"azure-gpt", "gemini"})
    void aWholeAnswerIsAnOpenAiCompletionNamingTheDeployment(String model) throws Exception {
        HttpResponse<String> r = chat(model, "Say hello", ",\"max_tokens\":50");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.path("model").asText()).isEqualTo(DEPLOYED.get(model));
        assertThat(answer.at("/choices/0/message/content").asText()).startsWith(HELLO_REPLY);
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(answer.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(r.body()).doesNotContain("filter_results");
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"deployment\":\"" + UPSTREAM.get(model) + "/" + DEPLOYED.get(model) + "\"").doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure-gpt", "gemini"})
    void aStreamArrivesAsOpenAiChunksEndedByDoneWithUsageOnlyWhenAsked(String model) throws Exception {
        HttpResponse<String> r = chat(model, "Say hello", ",\"max_tokens\":50,\"stream\":true");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
            JsonNode chunk = JSON.readTree(line.substring(6));
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo(DEPLOYED.get(model));
            assertThat(chunk.get("choices")).as("every chunk has a choice: %s", line).hasSize(1);
            text.append(chunk.at("/choices/0/delta/content").asText(""));
            if (chunk.at("/choices/0/finish_reason").isTextual()) finish = chunk.at("/choices/0/finish_reason").asText();
        }
        assertThat(text.toString()).startsWith(HELLO_REPLY).endsWith("as it arrives.");
        assertThat(finish).isEqualTo("stop");
        assertThat(r.body().trim()).endsWith("data: [DONE]");
        HttpResponse<String> asked = chat(model, "Say hello", ",\"max_tokens\":50,\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertThat(asked.body()).contains("\"choices\":[]").contains("\"prompt_tokens\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure-gpt", "gemini"})
    void aToolCallComesBackAsAnOpenAiToolCall(String model) throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        HttpResponse<String> r = chat(model, "What is the weather in Paris?", tools);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.path("id").asText()).isNotBlank();
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.at("/function/arguments").asText()).path("city").asText()).isEqualTo("Paris");
        // The call and its result sent back by OpenAI's id: the provider accepts the conversation (the mock checks the turns).
        String next = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.path("id").asText() + "\",\"content\":\"18 C\"}]" + tools + "}";
        HttpResponse<String> second = post(next);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    }

    @Test
    void azuresContentFilterReachesTheClientAsOpenAisErrorAndFinishReason() throws Exception {
        HttpResponse<String> refused = chat("azure-gpt", "Tell me about a blocked topic", "");
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("content_filter");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(refused.body()).doesNotContain("innererror").doesNotContain(TestGateway.PROVIDER_KEY);
        HttpResponse<String> filtered = chat("azure-gpt", "Tell me about a risky topic", "");
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(filtered.body()).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        HttpResponse<String> streamed = chat("azure-gpt", "Tell me about a risky topic", ",\"stream\":true");
        assertThat(streamed.body()).contains("\"finish_reason\":\"content_filter\"").contains("data: [DONE]");
    }

    @Test
    void aGeminiBlockedPromptIsAContentFilterAnswer() throws Exception {
        HttpResponse<String> r = chat("gemini", "Tell me about a blocked topic", "");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(answer.at("/choices/0/message/content").isNull()).isTrue();
    }

    @Test
    void whatGeminiCannotTakeIsRefusedBeforeItIsSent() throws Exception {
        String body = "{\"model\":\"gemini\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}";
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(error.path("message").asText()).contains("Bastion does not fetch");
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"refused_by\":\"model\"");
    }

    @Test
    void aGeminiErrorAnswerReachesTheClientInOpenAisShape() throws Exception {
        // A temperature above Gemini's range (0 to 2) is the provider's to refuse: its 400 reaches the client as OpenAI's.
        HttpResponse<String> r = chat("gemini", "Say hello", ",\"temperature\":2.5");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_argument");
        assertThat(error.path("message").asText()).contains("temperature");
    }

    @Test
    void aGeminiStreamCutMidAnswerNeverEndsCleanly() throws Exception {
        HttpRequest req = gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header(MockLlmServer.CUT_AFTER_HEADER, "3")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gemini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"))
                .build();
        String received;
        try {
            received = gw.http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException cut) {
            received = null; // the client's connection was cut: a truncated answer cannot look complete
        }
        if (received != null) assertThat(received).doesNotContain("[DONE]").contains("\"error\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"azure-gpt", "gemini"})
    void theOfficialOpenAiSdkUsesTheModelThroughTheCatalogue(String model) throws Exception {
        Map<String, JsonNode> cases = new HashMap<>();
        for (String line : dev.bastion.testing.NodeSdk.node("models.mjs", gw.uri("/v1").toString(), key, model)) {
            JsonNode c = JSON.readTree(line);
            cases.put(c.path("case").asText(), c);
        }
        assertThat(cases.get("list").path("ids").toString()).isEqualTo("[\"azure-gpt\",\"gemini\"]");
        JsonNode whole = cases.get("whole");
        assertThat(whole.path("ok").asBoolean()).as(whole.toString()).isTrue();
        assertThat(whole.path("model").asText()).isEqualTo(DEPLOYED.get(model));
        assertThat(whole.path("text").asText()).isNotBlank();
        assertThat(whole.at("/usage/prompt_tokens").asInt()).isPositive();
        JsonNode streamed = cases.get("streamed");
        assertThat(streamed.path("ok").asBoolean()).as(streamed.toString()).isTrue();
        assertThat(streamed.path("model").asText()).isEqualTo(DEPLOYED.get(model));
        assertThat(streamed.path("text").asText()).isNotBlank();
        assertThat(streamed.path("finish").asText()).isIn("stop", "length");
        assertThat(streamed.at("/usage/completion_tokens").asInt()).isPositive();
        JsonNode tool = cases.get("tool-call");
        assertThat(tool.path("ok").asBoolean()).as(tool.toString()).isTrue();
        assertThat(tool.path("name").asText()).isEqualTo("get_weather");
        assertThat(tool.at("/args/city").asText()).isEqualTo("Paris");
        assertThat(tool.path("finish").asText()).isEqualTo("tool_calls");
        assertThat(cases.get("unknown-model").path("code").asText()).isEqualTo("model_not_found");
    }
}
