package dev.bastion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ModelConfig;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.ChatProviders;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mock's Azure OpenAI deployment paths over real HTTP on loopback: key, api-version, Azure's answer
 * additions and error shapes — and OpenAI requests sent through the Azure provider to it and back.
 */
class MockAzureTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "azure-mock-key";
    static final String DEPLOYMENT = "prod-gpt-4o";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Vertx vertx;
    static MockLlmServer mock;
    final ChatProvider provider = ChatProviders.of(new ModelConfig.Deployment("az", ModelConfig.Provider.AZURE, DEPLOYMENT, 1, "2024-10-21", null, null, null, null));

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        mock = new MockLlmServer(vertx, "127.0.0.1", 0, KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> post(String pathAndQuery, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + pathAndQuery))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String PATH = "/openai/deployments/" + DEPLOYMENT + "/chat/completions";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about gateways\"}]%s}";

    @Test
    void aPlainAnswerIsOpenAisFormatWithAzuresFilterResults() throws Exception {
        HttpResponse<String> r = post(PATH + "?api-version=2024-10-21", HELLO.formatted(""), "api-key", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode c = JSON.readTree(r.body());
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.get("model").asText()).isEqualTo(MockAzure.UNDERLYING_MODEL);
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo(MockLlmServer.reply("Tell me about gateways"));
        assertThat(c.at("/choices/0/content_filter_results/violence/filtered").asBoolean(true)).isFalse();
        assertThat(c.at("/prompt_filter_results/0/prompt_index").asInt(-1)).isZero();
        assertThat(c.at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void theKeyIsRequiredAsApiKeyAndTheVersionInTheQuery() throws Exception {
        HttpResponse<String> noVersion = post(PATH, HELLO.formatted(""), "api-key", KEY);
        assertThat(noVersion.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noVersion.body()).at("/error/message").asText()).isEqualTo("Resource not found");
        HttpResponse<String> badVersion = post(PATH + "?api-version=yesterday", HELLO.formatted(""), "api-key", KEY);
        assertThat(badVersion.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badVersion.body()).at("/error/message").asText()).isEqualTo("API version not supported");
        for (String[] h : List.of(new String[] {"api-key", "wrong"}, new String[] {"Authorization", "Bearer " + KEY}, new String[] {"X-Ignored", "x"})) {
            HttpResponse<String> r = post(PATH + "?api-version=2024-10-21", HELLO.formatted(""), h);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("401");
        }
    }

    @Test
    void theContentFilterRefusesAPromptInAzuresShapeAndFiltersAnAnswer() throws Exception {
        HttpResponse<String> r = post(PATH + "?api-version=2024-10-21", "{\"messages\":[{\"role\":\"user\",\"content\":\"about a blocked topic\"}]}", "api-key", KEY);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_filter");
        assertThat(e.at("/innererror/code").asText()).isEqualTo("ResponsibleAIPolicyViolation");
        assertThat(e.at("/innererror/content_filter_result/violence/filtered").asBoolean()).isTrue();
        JsonNode filtered = JSON.readTree(post(PATH + "?api-version=2024-10-21", "{\"messages\":[{\"role\":\"user\",\"content\":\"a risky topic\"}]}",
                "api-key", KEY).body());
        assertThat(filtered.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(filtered.at("/choices/0/message").has("content")).isFalse();
    }

    // --- round trips through the Azure provider

    private JsonNode roundTrip(String openAi) throws Exception {
        ObjectNode in = (ObjectNode) JSON.readTree(openAi);
        HttpResponse<String> r = post(provider.path(DEPLOYMENT, false), provider.request(in, DEPLOYMENT).toString(), "api-key", KEY);
        return JSON.readTree(provider.answer(r.statusCode(), Buffer.buffer(r.body()), DEPLOYMENT).getBytes());
    }

    private String streamed(String openAi, boolean usage) throws Exception {
        ObjectNode in = (ObjectNode) JSON.readTree(openAi);
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + provider.path(DEPLOYMENT, true)))
                .header("api-key", KEY).POST(HttpRequest.BodyPublishers.ofByteArray(provider.request(in, DEPLOYMENT).getBytes())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        ChatProvider.StreamTranslator t = provider.stream(DEPLOYMENT, usage);
        return t.feed(Buffer.buffer(r.body())).toString(StandardCharsets.UTF_8) + t.end().toString(StandardCharsets.UTF_8);
    }

    static List<JsonNode> chunks(String sse) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) if (!e.isBlank() && !e.equals("data: [DONE]")) out.add(JSON.readTree(e.substring(6)));
        return out;
    }

    @Test
    void anOpenAiRequestRoundTripsToACompletionNamingTheDeployment() throws Exception {
        JsonNode c = roundTrip("{\"model\":\"gpt-4o\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about gateways\"}]}");
        assertThat(c.get("model").asText()).isEqualTo(DEPLOYMENT);
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(c.toString()).doesNotContain("filter_results");
    }

    @Test
    void aStreamRoundTripsWithoutTheEmptyPromptFilterChunk() throws Exception {
        String out = streamed("{\"model\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}", true);
        List<JsonNode> chunks = chunks(out);
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) text.append(c.at("/choices/0/delta/content").asText(""));
        assertThat(text.toString()).isEqualTo(MockLlmServer.reply("Hi there"));
        assertThat(chunks.getLast().get("choices")).isEmpty();
        assertThat(chunks.getLast().at("/usage/total_tokens").asInt()).isPositive();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.get("choices")).hasSize(1));
        assertThat(out).endsWith("data: [DONE]\n\n").doesNotContain("filter");
    }

    @Test
    void aStreamedToolCallRoundTrips() throws Exception {
        String out = streamed("""
                {"model":"x","stream":true,"messages":[{"role":"user","content":"What is the weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}""", false);
        StringBuilder args = new StringBuilder();
        String name = null, finish = null;
        for (JsonNode c : chunks(out)) {
            JsonNode call = c.at("/choices/0/delta/tool_calls/0");
            if (call.at("/function/name").isTextual()) name = call.at("/function/name").asText();
            args.append(call.at("/function/arguments").asText(""));
            if (c.at("/choices/0/finish_reason").isTextual()) finish = c.at("/choices/0/finish_reason").asText();
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(JSON.readTree(args.toString()).get("city").asText()).isEqualTo("Paris");
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void aPromptTheFilterRefusesComesBackAsOpenAisError() throws Exception {
        JsonNode e = roundTrip("{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"a blocked topic\"}]}").get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_filter");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        assertThat(e.has("innererror")).isFalse();
    }
}
