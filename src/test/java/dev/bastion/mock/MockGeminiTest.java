package dev.bastion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.GeminiChatProvider;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mock's Gemini API over real HTTP on loopback: its answers, streams, checks and errors — and OpenAI
 * requests sent through {@link GeminiChatProvider} to it and back.
 */
class MockGeminiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "AIza-mock-key";
    static final String MODEL = "gemini-mock-flash";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Vertx vertx;
    static MockLlmServer mock;
    final GeminiChatProvider provider = new GeminiChatProvider();

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

    static HttpRequest.Builder request(String pathAndQuery, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + pathAndQuery))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
        return HTTP.send(request(pathAndQuery, body).header("x-goog-api-key", KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse";
    static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Tell me about gateways\"}]}]%s}";
    static final String WEATHER = """
            {"contents":[{"role":"user","parts":[{"text":"What is the weather in Paris?"}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}},{"name":"get_time"}]}]%s}""";

    @Test
    void aPlainAnswerHasACandidateAndUsageMetadata() throws Exception {
        HttpResponse<String> r = post(GENERATE, HELLO.formatted(""));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode a = JSON.readTree(r.body());
        assertThat(a.at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(a.at("/candidates/0/content/parts/0/text").asText()).isEqualTo(MockLlmServer.reply("Tell me about gateways"));
        assertThat(a.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(a.get("modelVersion").asText()).isEqualTo(MODEL);
        assertThat(a.get("responseId").asText()).isNotBlank();
        JsonNode u = a.get("usageMetadata");
        assertThat(u.get("promptTokenCount").asInt()).isPositive();
        assertThat(u.get("totalTokenCount").asInt()).isEqualTo(u.get("promptTokenCount").asInt() + u.get("candidatesTokenCount").asInt());
    }

    @Test
    void maxOutputTokensStopSequencesAndCandidateCount() throws Exception {
        JsonNode cut = JSON.readTree(post(GENERATE, HELLO.formatted(",\"generationConfig\":{\"maxOutputTokens\":5}")).body());
        assertThat(cut.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(cut.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(5);
        JsonNode stopped = JSON.readTree(post(GENERATE, HELLO.formatted(",\"generationConfig\":{\"stopSequences\":[\"mock\"]}")).body());
        assertThat(stopped.at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Hello from Bastion's ");
        JsonNode two = JSON.readTree(post(GENERATE, HELLO.formatted(",\"generationConfig\":{\"candidateCount\":2}")).body());
        assertThat(two.get("candidates")).hasSize(2);
        assertThat(two.at("/candidates/1/index").asInt()).isEqualTo(1);
    }

    @Test
    void aStreamIsOneResponsePerEventEndedByCrlfWithTheFinishReasonLast() throws Exception {
        JsonNode whole = JSON.readTree(post(GENERATE, HELLO.formatted("")).body());
        HttpResponse<String> r = post(STREAM, HELLO.formatted(""));
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(r.body()).doesNotContain("[DONE]").endsWith("\r\n\r\n");
        String[] events = r.body().split("\r\n\r\n");
        assertThat(events.length).isGreaterThan(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            JsonNode e = JSON.readTree(events[i].substring("data: ".length()));
            text.append(e.at("/candidates/0/content/parts/0/text").asText());
            assertThat(e.at("/candidates/0/finishReason").isMissingNode()).as("event %d", i).isEqualTo(i < events.length - 1);
            if (i == events.length - 1) assertThat(e.get("usageMetadata")).isEqualTo(whole.get("usageMetadata"));
        }
        assertThat(text.toString()).isEqualTo(whole.at("/candidates/0/content/parts/0/text").asText());
        // Without alt=sse: the same responses as one JSON array.
        JsonNode array = JSON.readTree(post("/v1beta/models/" + MODEL + ":streamGenerateContent", HELLO.formatted("")).body());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(events.length);
    }

    @Test
    void askedAboutTheWeatherWithToolsItCallsTheFirstFunction() throws Exception {
        JsonNode a = JSON.readTree(post(GENERATE, WEATHER.formatted("")).body());
        JsonNode call = a.at("/candidates/0/content/parts/0/functionCall");
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("args")).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(a.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        JsonNode none = JSON.readTree(post(GENERATE, WEATHER.formatted(",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}")).body());
        assertThat(none.at("/candidates/0/content/parts/0/text").isTextual()).isTrue();
        JsonNode forced = JSON.readTree(post(GENERATE, WEATHER.formatted(
                ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_time\"]}}")).body());
        assertThat(forced.at("/candidates/0/content/parts/0/functionCall/name").asText()).isEqualTo("get_time");
    }

    @Test
    void aBlockedPromptHasNoCandidateOnlyPromptFeedback() throws Exception {
        JsonNode a = JSON.readTree(post(GENERATE, "{\"contents\":[{\"parts\":[{\"text\":\"a blocked topic\"}]}]}").body());
        assertThat(a.has("candidates")).isFalse();
        assertThat(a.at("/promptFeedback/blockReason").asText()).isEqualTo("SAFETY");
    }

    @Test
    void theKeyIsRequiredAsXGoogApiKeyOrKeyParameter() throws Exception {
        String body = HELLO.formatted("");
        HttpResponse<String> none = HTTP.send(request(GENERATE, body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(none.body()).at("/error/status").asText()).isEqualTo("PERMISSION_DENIED");
        HttpResponse<String> wrong = HTTP.send(request(GENERATE, body).header("x-goog-api-key", "AIza-wrong").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrong.body()).at("/error/message").asText()).isEqualTo("API key not valid. Please pass a valid API key.");
        HttpResponse<String> bearer = HTTP.send(request(GENERATE, body).header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(403);
        HttpResponse<String> param = HTTP.send(request(GENERATE + "?key=" + KEY, body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(param.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not json              | {"contents":                                                       | Invalid JSON payload
            no contents           | {}                                                                 | contents is not specified
            empty contents        | {"contents":[]}                                                    | contents is not specified
            unknown field         | {"contents":[{"parts":[{"text":"Hi"}]}],"messages":[]}             | Unknown name "messages"
            snake generation field| {"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"max_tokens":5}} | Unknown name "max_tokens" at 'generation_config'
            system role           | {"contents":[{"role":"system","parts":[{"text":"Hi"}]}]}           | Please use a valid role: user, model.
            assistant role        | {"contents":[{"role":"assistant","parts":[{"text":"Hi"}]}]}        | Please use a valid role: user, model.
            empty parts           | {"contents":[{"role":"user","parts":[]}]}                          | contents.parts must not be empty
            two data in a part    | {"contents":[{"parts":[{"text":"Hi","inlineData":{"mimeType":"image/png","data":"AA=="}}]}]} | oneof field 'data'
            unknown part field    | {"contents":[{"parts":[{"image_url":"x"}]}]}                       | Unknown name "image_url"
            response w/o call     | {"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]} | function response turn comes immediately after a function call turn
            fewer responses       | {"contents":[{"role":"user","parts":[{"text":"Go"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}},{"functionCall":{"name":"g","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]} | number of function response parts is equal
            call after model      | {"contents":[{"role":"user","parts":[{"text":"Go"}]},{"role":"model","parts":[{"text":"Sure"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]}]} | function call turn comes immediately after a user turn
            call in a user turn   | {"contents":[{"role":"user","parts":[{"functionCall":{"name":"f","args":{}}}]}]} | only a model turn can call a function
            bad signature         | {"contents":[{"role":"user","parts":[{"text":"Go"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}},"thoughtSignature":"not base64!"}]}]} | Base64 decoding failed
            empty object params   | {"contents":[{"parts":[{"text":"Hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT","properties":{}}}]}]} | should be non-empty for OBJECT type
            json schema keyword   | {"contents":[{"parts":[{"text":"Hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT","properties":{"a":{"type":"STRING"}},"additionalProperties":false}}]}]} | Unknown name "additionalProperties"
            bad function name     | {"contents":[{"parts":[{"text":"Hi"}]}],"tools":[{"functionDeclarations":[{"name":"get weather"}]}]} | Invalid function name
            bad mode              | {"contents":[{"parts":[{"text":"Hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"REQUIRED"}}} | function_calling_config.mode
            temperature 3         | {"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"temperature":3}} | temperature
            """)
    void whatTheRealApiRefusesIsA400InGooglesShape(String name, String body, String message) throws Exception {
        HttpResponse<String> r = post(GENERATE, body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asInt()).isEqualTo(400);
        assertThat(e.get("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.get("message").asText()).contains(message);
    }

    @Test
    void anUnknownMethodIsNotFound() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/" + MODEL + ":countTokens", HELLO.formatted(""));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).at("/error/status").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aStreamCutAfterSomeEventsEndsByAResetWithoutAFinishReason() throws Exception {
        StringBuilder received = new StringBuilder();
        try {
            HttpResponse<InputStream> r = HTTP.send(request(STREAM, HELLO.formatted("")).header("x-goog-api-key", KEY)
                    .header(MockLlmServer.CUT_AFTER_HEADER, "3").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException expectedCut) {
            // the connection was reset mid-stream
        }
        assertThat(received.toString().split("\r\n\r\n")).hasSize(3);
        assertThat(received.toString()).doesNotContain("finishReason");
    }

    // --- round trips: an OpenAI request through GeminiChatProvider to the mock and back

    private JsonNode roundTrip(String openAi) throws Exception {
        ObjectNode in = (ObjectNode) JSON.readTree(openAi);
        HttpResponse<String> r = post(provider.path(MODEL, false), provider.request(in, MODEL).toString());
        return JSON.readTree(provider.answer(r.statusCode(), Buffer.buffer(r.body()), MODEL).getBytes());
    }

    private String streamed(String openAi) throws Exception {
        ObjectNode in = (ObjectNode) JSON.readTree(openAi);
        HttpResponse<byte[]> r = HTTP.send(request(provider.path(MODEL, true), provider.request(in, MODEL).toString()).header("x-goog-api-key", KEY).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        ChatProvider.StreamTranslator t = provider.stream(MODEL, in.path("stream_options").path("include_usage").asBoolean(false));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < r.body().length; i += 100) {
            out.append(t.feed(Buffer.buffer(java.util.Arrays.copyOfRange(r.body(), i, Math.min(r.body().length, i + 100)))).toString(StandardCharsets.UTF_8));
        }
        return out.append(t.end().toString(StandardCharsets.UTF_8)).toString();
    }

    static List<JsonNode> chunks(String sse) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) if (!e.isBlank() && !e.equals("data: [DONE]")) out.add(JSON.readTree(e.substring(6)));
        return out;
    }

    static final String CHAT = """
            {"model":"gpt-4o","max_tokens":60,"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"Tell me"},
              {"role":"user","content":[{"type":"text","text":"about gateways"}]}]%s}""";

    @Test
    void aPlainOpenAiRequestRoundTripsToAValidCompletion() throws Exception {
        JsonNode c = roundTrip(CHAT.formatted(""));
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.get("id").asText()).startsWith("chatcmpl-mockgem");
        assertThat(c.get("model").asText()).isEqualTo(MODEL);
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo(MockLlmServer.reply("Tell me about gateways"));
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(c.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(c.at("/usage/total_tokens").asInt()).isEqualTo(c.at("/usage/prompt_tokens").asInt() + c.at("/usage/completion_tokens").asInt());
    }

    @Test
    void aStreamRoundTripsToChunksUsageAndDone() throws Exception {
        String out = streamed(CHAT.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        List<JsonNode> chunks = chunks(out);
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) text.append(c.at("/choices/0/delta/content").asText(""));
        assertThat(text.toString()).isEqualTo(MockLlmServer.reply("Tell me about gateways"));
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.getLast().at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(out).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aToolConversationRoundTripsThroughTheMocksChecks() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"],\"additionalProperties\":false}}}]";
        JsonNode first = roundTrip("{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + tools + "}");
        assertThat(first.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = first.at("/choices/0/message/tool_calls/0");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        // The client sends the call and its result back, by OpenAI's id: the mock checks the turns Gemini checks.
        String next = "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id").asText() + "\",\"content\":\"18 C and sunny\"},"
                + "{\"role\":\"user\",\"content\":\"Thanks, summarise\"}]" + tools + "}";
        JsonNode second = roundTrip(next);
        assertThat(second.at("/choices/0/finish_reason").asText()).as(second.toString()).isEqualTo("stop");
        assertThat(second.at("/choices/0/message/content").asText()).isEqualTo(MockLlmServer.reply("Thanks, summarise"));
        String streamedCall = streamed("{\"model\":\"x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]" + tools + "}");
        assertThat(streamedCall).contains("\"name\":\"get_weather\"").contains("\"finish_reason\":\"tool_calls\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aBlockedPromptRoundTripsToAContentFilterAnswer() throws Exception {
        JsonNode c = roundTrip("{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"a blocked topic\"}]}");
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(c.at("/choices/0/message/content").isNull()).isTrue();
    }

    @Test
    void aProviderRefusalComesBackInOpenAisShape() throws Exception {
        HttpResponse<String> r = post(provider.path(MODEL, false), "{\"contents\":[]}");
        JsonNode e = JSON.readTree(provider.answer(r.statusCode(), Buffer.buffer(r.body()), MODEL).getBytes()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("code").asText()).isEqualTo("invalid_argument");
        assertThat(e.get("message").asText()).contains("contents is not specified");
    }
}
