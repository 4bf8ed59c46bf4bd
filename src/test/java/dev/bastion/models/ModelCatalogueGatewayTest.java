package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A route that routes by model, through real HTTP to two OpenAI-format stand-ins that demand the provider key. */
class ModelCatalogueGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Vertx mockVertx;
    static MockLlmServer mockA, mockB;
    static TestGateway gw;
    static String key, restrictedKey;

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        mockA = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mockB = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mockA.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        mockB.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                models:
                  small:
                    deployments:
                      - { upstream: provider-a, model: mock-gpt-small }
                  claude:
                    deployments:
                      - { upstream: anthropic, provider: anthropic, model: claude-mock-haiku }
                  split:
                    deployments:
                      - { upstream: provider-a, model: mock-gpt-small, weight: 1 }
                      - { upstream: provider-b, model: mock-gpt-large, weight: 3 }
                guard:
                  policies:
                    restricted: { models: [small] }
                  orgs: { narrow: restricted }
                """).replace("upstreams:\n", "upstreams:\n"
                + "  provider-a: { url: \"http://127.0.0.1:" + mockA.port() + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  provider-b: { url: \"http://127.0.0.1:" + mockB.port() + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  anthropic: { url: \"http://127.0.0.1:" + mockB.port() + "\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-api-key }\n"));
        key = gw.createKey("wide", "invoke");
        restrictedKey = gw.createKey("narrow", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> chat(String apiKey, String model, String extra) throws Exception {
        return post(apiKey, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]" + extra + "}");
    }

    static HttpResponse<String> post(String apiKey, String body) throws Exception {
        return gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aPublicModelNameIsServedByItsDeploymentWithTheProviderKeyInjected() throws Exception {
        HttpResponse<String> r = chat(key, "small", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        // The provider's model name answered (the mock echoes it), and the mock refused nothing: the key reached it.
        assertThat(answer.path("model").asText()).isEqualTo("mock-gpt-small");
        assertThat(answer.at("/choices/0/message/content").asText()).isNotBlank();
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(line).contains("\"deployment\":\"provider-a/mock-gpt-small\"");
        assertThat(line).doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @Test
    void anUnknownModelIsRefusedBeforeAnythingIsSent() throws Exception {
        HttpResponse<String> r = chat(key, "gpt-5-does-not-exist", "");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("request_id").asText()).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        // The deployment's own name must not be guessable from the error either.
        assertThat(r.body()).doesNotContain("mock-gpt").doesNotContain("provider-a");
    }

    @Test
    void aDeploymentNameIsNotAPublicName() throws Exception {
        // Clients name public models; the provider's name for one is not a way around the catalogue.
        assertThat(chat(key, "mock-gpt-large", "").statusCode()).isEqualTo(400);
    }

    @Test
    void aMissingOrMalformedModelIsABadRequest() throws Exception {
        HttpResponse<String> r = post(key, "{\"model\":7,\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("invalid_llm_request");
    }

    @Test
    void deploymentsShareAModelsRequestsByWeight() throws Exception {
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            HttpResponse<String> r = chat(key, "split", "");
            assertThat(r.statusCode()).isEqualTo(200);
            answered.add(JSON.readTree(r.body()).path("model").asText());
        }
        long large = answered.stream().filter("mock-gpt-large"::equals).count();
        // Weight 3 of 4: 60 expected; the bounds are 5 standard deviations (~3.9 each) either side.
        assertThat(large).isBetween(40L, 79L);
        assertThat(answered).contains("mock-gpt-small");
    }

    @Test
    void streamedAnswersPassThroughFromAnOpenAiFormatDeployment() throws Exception {
        HttpResponse<String> r = chat(key, "small", ",\"stream\":true");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).contains("\"model\":\"mock-gpt-small\"").contains("data: [DONE]");
    }

    @Test
    void theModelListShowsWhatTheCallerMayUse() throws Exception {
        HttpResponse<String> all = gw.get("/v1/models", key);
        assertThat(all.statusCode()).isEqualTo(200);
        JsonNode list = JSON.readTree(all.body());
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").findValuesAsText("id")).containsExactly("small", "claude", "split");
        assertThat(all.body()).doesNotContain("mock-gpt").doesNotContain("provider-");

        HttpResponse<String> narrow = gw.get("/v1/models", restrictedKey);
        assertThat(JSON.readTree(narrow.body()).path("data").findValuesAsText("id")).containsExactly("small");
        // And what it does not list, it may not use.
        assertThat(chat(restrictedKey, "split", "").statusCode()).isEqualTo(403);
    }

    @Test
    void theModelListNeedsTheChatRoutesCredentials() throws Exception {
        HttpResponse<String> r = gw.get("/v1/models", null);
        assertThat(r.statusCode()).isEqualTo(401);
        HttpResponse<String> forged = gw.get("/v1/models", "bk_live_forged0000000000000000000000");
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    // An Anthropic deployment: the mock's /v1/messages demands x-api-key and anthropic-version, and rejects what the real API rejects.

    @Test
    void anAnthropicDeploymentAnswersInOpenAisFormat() throws Exception {
        HttpResponse<String> r = chat(key, "claude", ",\"max_tokens\":50");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.path("model").asText()).isEqualTo("claude-mock-haiku");
        assertThat(answer.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(answer.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(answer.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
        // Usage from Anthropic's own fields: what budgets are charged from.
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(answer.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"deployment\":\"anthropic/claude-mock-haiku\"");
    }

    @Test
    void anAnthropicStreamArrivesAsOpenAiChunksEndedByDone() throws Exception {
        HttpResponse<String> r = chat(key, "claude", ",\"max_tokens\":50,\"stream\":true");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
            JsonNode chunk = JSON.readTree(line.substring(6));
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo("claude-mock-haiku");
            text.append(chunk.at("/choices/0/delta/content").asText(""));
            if (chunk.at("/choices/0/finish_reason").isTextual()) finish = chunk.at("/choices/0/finish_reason").asText();
        }
        assertThat(text.toString()).isNotBlank();
        assertThat(finish).isIn("stop", "length");
        assertThat(r.body().trim()).endsWith("data: [DONE]");
        // Not asked for: no usage chunk, whose empty choices would break a client that reads choices[0] of every chunk.
        assertThat(r.body()).doesNotContain("\"choices\":[]");
        HttpResponse<String> asked = chat(key, "claude", ",\"max_tokens\":50,\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertThat(asked.body()).contains("\"choices\":[]").contains("\"prompt_tokens\"");
    }

    @Test
    void aToolCallFromAnthropicIsAnOpenAiToolCall() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        String body = "{\"model\":\"claude\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + tools + "}";
        HttpResponse<String> r = post(key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).at("/choices/0");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.at("/function/arguments").asText()).path("city").asText()).isEqualTo("Paris");
    }

    @Test
    void whatAnthropicCannotExpressIsRefusedWithTheReasonBeforeItIsSent() throws Exception {
        HttpResponse<String> r = chat(key, "claude", ",\"n\":2");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(error.path("message").asText()).contains("n");
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"refused_by\":\"model\"");
        // A field name is quoted only when it looks like one: request content never comes back in an error.
        HttpResponse<String> odd = chat(key, "claude", ",\"my key is sk-live-4f3c2b1a0987 and more\":1");
        assertThat(odd.statusCode()).isEqualTo(400);
        assertThat(odd.body()).doesNotContain("sk-live").contains("(not shown)");
        assertThat(gw.accessLine(odd.headers().firstValue("X-Request-Id").orElseThrow())).doesNotContain("sk-live");
    }

    @Test
    void anAnthropicErrorAnswerReachesTheClientInOpenAisErrorShape() throws Exception {
        // An assistant turn alone: the stand-in, like the Messages API, wants the user's turn first and says so in a 400.
        String body = "{\"model\":\"claude\",\"max_tokens\":50,\"messages\":[{\"role\":\"assistant\",\"content\":\"Sure.\"}]}";
        HttpResponse<String> r = post(key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @Test
    void anAnthropicStreamCutMidAnswerNeverEndsCleanly() throws Exception {
        HttpRequest req = gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header(MockLlmServer.CUT_AFTER_HEADER, "3")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude\",\"max_tokens\":50,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")).build();
        String received;
        try {
            received = gw.http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException cut) {
            received = null; // the client's connection was cut: a truncated answer cannot look complete
        }
        if (received != null) assertThat(received).doesNotContain("[DONE]").contains("\"error\"");
    }

    @Test
    void theOfficialOpenAiSdkUsesAnAnthropicModelThroughTheCatalogue() throws Exception {
        java.util.Map<String, JsonNode> cases = new java.util.HashMap<>();
        for (String line : dev.bastion.testing.NodeSdk.node("models.mjs", gw.uri("/v1").toString(), key)) {
            JsonNode c = JSON.readTree(line);
            cases.put(c.path("case").asText(), c);
        }
        assertThat(cases.get("list").path("ids").toString()).isEqualTo("[\"small\",\"claude\",\"split\"]");
        JsonNode whole = cases.get("whole");
        assertThat(whole.path("ok").asBoolean()).as(whole.toString()).isTrue();
        assertThat(whole.path("model").asText()).isEqualTo("claude-mock-haiku");
        assertThat(whole.path("text").asText()).isNotBlank();
        assertThat(whole.at("/usage/prompt_tokens").asInt()).isPositive();
        JsonNode streamed = cases.get("streamed");
        assertThat(streamed.path("ok").asBoolean()).as(streamed.toString()).isTrue();
        assertThat(streamed.path("text").asText()).isNotBlank();
        assertThat(streamed.path("finish").asText()).isIn("stop", "length");
        assertThat(streamed.at("/usage/completion_tokens").asInt()).isPositive();
        JsonNode tool = cases.get("tool-call");
        assertThat(tool.path("ok").asBoolean()).as(tool.toString()).isTrue();
        assertThat(tool.path("name").asText()).isEqualTo("get_weather");
        assertThat(tool.at("/args/city").asText()).isEqualTo("Paris");
        assertThat(tool.path("finish").asText()).isEqualTo("tool_calls");
        // Refusals surface as the SDK's own errors, with Bastion's codes.
        assertThat(cases.get("unknown-model").path("status").asInt()).isEqualTo(400);
        assertThat(cases.get("unknown-model").path("code").asText()).isEqualTo("model_not_found");
        assertThat(cases.get("untranslatable").path("code").asText()).isEqualTo("unsupported_by_provider");
    }
}
