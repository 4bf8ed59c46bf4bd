package dev.bastion.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.TokenCounter;
import dev.bastion.llm.Usage;
import dev.bastion.llm.provider.AnthropicChatProvider;
import dev.bastion.llm.provider.ChatProvider.StreamTranslator;
import io.vertx.core.MultiMap;
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
 * The mock's Anthropic Messages API over real HTTP on loopback: its answers, stream, checks and errors —
 * and OpenAI requests sent through {@link AnthropicChatProvider} to it and back.
 */
class MockAnthropicTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter COUNTER = new TokenCounter();
    static final String KEY = "sk-ant-mock-key";
    static final String MODEL = "claude-mock";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Vertx vertx;
    static MockLlmServer mock;
    final AnthropicChatProvider provider = new AnthropicChatProvider();

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

    static HttpRequest.Builder request(String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + "/v1/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    /** A request as an Anthropic client sends it: key and version. */
    static HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = request(body, headers).header("x-api-key", KEY).header("anthropic-version", "2023-06-01");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    record Event(String name, JsonNode data) {}

    static List<Event> events(String sse) throws IOException {
        List<Event> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            if (e.isBlank()) continue;
            String[] lines = e.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            out.add(new Event(lines[0].substring(7), JSON.readTree(lines[1].substring(6))));
        }
        return out;
    }

    static final String PLAIN = "{\"model\":\"" + MODEL + "\",\"max_tokens\":%d,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about gateways\"}]%s}";

    static final String WEATHER = """
            {"model":"%s","max_tokens":100%%s,"messages":[{"role":"user","content":"What is the weather in Paris?"}],
             "tools":[{"name":"get_weather","description":"The weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
                      {"name":"get_time","input_schema":{"type":"object"}}]}""".formatted(MODEL);

    // --- the Messages API

    @Test
    void aPlainAnswerIsAMessagesBodyWithRealisticUsage() throws Exception {
        HttpResponse<String> r = post(PLAIN.formatted(100, ""));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode m = json(r);
        assertThat(m.get("id").asText()).startsWith("msg_");
        assertThat(m.get("type").asText()).isEqualTo("message");
        assertThat(m.get("role").asText()).isEqualTo("assistant");
        assertThat(m.get("model").asText()).isEqualTo(MODEL);
        String text = m.at("/content/0/text").asText();
        assertThat(m.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(text).isEqualTo(MockLlmServer.reply("Tell me about gateways"));
        assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.get("stop_sequence").isNull()).isTrue();
        ArrayNode openAiView = JSON.createArrayNode();
        openAiView.addObject().put("role", "user").put("content", "Tell me about gateways");
        assertThat(m.at("/usage/input_tokens").asInt()).isEqualTo(COUNTER.chatPrompt(MODEL, openAiView, null));
        assertThat(m.at("/usage/output_tokens").asInt()).isEqualTo(COUNTER.count(MODEL, text));
    }

    @Test
    void maxTokensCutsTheAnswer() throws Exception {
        JsonNode m = json(post(PLAIN.formatted(5, "")));
        assertThat(m.get("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(m.at("/usage/output_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aStopSequenceEndsTheAnswerBeforeIt() throws Exception {
        JsonNode m = json(post(PLAIN.formatted(100, ",\"stop_sequences\":[\"zzz\",\"mock\"]")));
        assertThat(m.at("/content/0/text").asText()).isEqualTo("Hello from Bastion's ");
        assertThat(m.get("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(m.get("stop_sequence").asText()).isEqualTo("mock");
    }

    @Test
    void aStreamIsAnthropicsEventSequenceAndSaysWhatTheBodySays() throws Exception {
        JsonNode whole = json(post(PLAIN.formatted(100, "")));
        HttpResponse<String> r = post(PLAIN.formatted(100, ",\"stream\":true"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<Event> events = events(r.body());
        for (Event e : events) assertThat(e.data().get("type").asText()).as("event name and type agree").isEqualTo(e.name());
        List<String> names = events.stream().map(Event::name).toList();
        assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
        assertThat(names.subList(names.size() - 3, names.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(names.subList(3, names.size() - 3)).isNotEmpty().allMatch("content_block_delta"::equals);
        StringBuilder text = new StringBuilder();
        for (Event e : events) if (e.name().equals("content_block_delta")) text.append(e.data().at("/delta/text").asText());
        assertThat(text.toString()).isEqualTo(whole.at("/content/0/text").asText());
        assertThat(events.getFirst().data().at("/message/usage/input_tokens")).isEqualTo(whole.at("/usage/input_tokens"));
        assertThat(events.getFirst().data().at("/message/content")).isEmpty();
        Event delta = events.get(events.size() - 2);
        assertThat(delta.data().at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.data().at("/usage/output_tokens")).isEqualTo(whole.at("/usage/output_tokens"));
    }

    @Test
    void askedAboutTheWeatherWithToolsItCallsTheFirstTool() throws Exception {
        JsonNode m = json(post(WEATHER.formatted("")));
        assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode call = m.at("/content/0");
        assertThat(call.get("type").asText()).isEqualTo("tool_use");
        assertThat(call.get("id").asText()).startsWith("toolu_");
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("input")).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(m.at("/usage/output_tokens").asInt()).isPositive();
        // Told not to use tools, it answers in text.
        assertThat(json(post(WEATHER.formatted(",\"tool_choice\":{\"type\":\"none\"}"))).get("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void aStreamedToolUseSendsItsInputAsJsonDeltas() throws Exception {
        List<Event> events = events(post(WEATHER.formatted(",\"stream\":true")).body());
        JsonNode start = events.get(1).data().get("content_block");
        assertThat(start.get("type").asText()).isEqualTo("tool_use");
        assertThat(start.get("name").asText()).isEqualTo("get_weather");
        assertThat(start.get("input")).isEmpty();
        StringBuilder input = new StringBuilder();
        int pieces = 0;
        for (Event e : events) {
            if (!e.name().equals("content_block_delta")) continue;
            assertThat(e.data().at("/delta/type").asText()).isEqualTo("input_json_delta");
            input.append(e.data().at("/delta/partial_json").asText());
            pieces++;
        }
        assertThat(pieces).isGreaterThan(1);
        assertThat(JSON.readTree(input.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(events.get(events.size() - 2).data().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void theKeyIsRequiredAsXApiKey() throws Exception {
        String body = PLAIN.formatted(10, "");
        HttpResponse<String> none = HTTP.send(request(body, "anthropic-version", "2023-06-01").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = HTTP.send(request(body, "anthropic-version", "2023-06-01", "x-api-key", "sk-wrong").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bearer = HTTP.send(request(body, "anthropic-version", "2023-06-01", "Authorization", "Bearer " + KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        for (HttpResponse<String> r : List.of(none, wrong, bearer)) {
            assertThat(r.statusCode()).isEqualTo(401);
            JsonNode e = json(r);
            assertThat(e.get("type").asText()).isEqualTo("error");
            assertThat(e.at("/error/type").asText()).isEqualTo("authentication_error");
        }
        assertThat(json(wrong).at("/error/message").asText()).isEqualTo("invalid x-api-key");
        assertThat(json(none).at("/error/message").asText()).isEqualTo("x-api-key header is required");
    }

    @Test
    void anthropicVersionIsRequired() throws Exception {
        HttpResponse<String> r = HTTP.send(request(PLAIN.formatted(10, ""), "x-api-key", KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(r).at("/error/message").asText()).contains("anthropic-version");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            not json              | {"model":                                                                   | not a valid JSON object
            no max_tokens         | {"model":"m","messages":[{"role":"user","content":"Hi"}]}                    | max_tokens: Field required
            max_tokens zero       | {"model":"m","max_tokens":0,"messages":[{"role":"user","content":"Hi"}]}     | max_tokens: Input should be an integer
            no model              | {"max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}                | model: Field required
            no messages           | {"model":"m","max_tokens":10}                                                | messages: Field required
            empty messages        | {"model":"m","max_tokens":10,"messages":[]}                                  | at least one message
            first is assistant    | {"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":"Hi"}]} | first message must use the "user" role
            two users in a row    | {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"},{"role":"user","content":"again"}]} | multiple "user" roles in a row
            system role           | {"model":"m","max_tokens":10,"messages":[{"role":"system","content":"Be nice"},{"role":"user","content":"Hi"}]} | Unexpected role "system"
            unknown block         | {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]} | Input tag 'image_url'
            empty text            | {"model":"m","max_tokens":10,"messages":[{"role":"user","content":""}]}      | non-empty content
            unknown field         | {"model":"m","max_tokens":10,"n":2,"messages":[{"role":"user","content":"Hi"}]} | n: Extra inputs are not permitted
            stray tool_result     | {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"x"}]}]} | unexpected `tool_use_id`
            unanswered tool_use   | {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":"ok"}]} | without `tool_result` blocks
            bmp image             | {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"Qk0="}}]}]} | media_type
            temperature 1.5       | {"model":"m","max_tokens":10,"temperature":1.5,"messages":[{"role":"user","content":"Hi"}]} | temperature
            tool without schema   | {"model":"m","max_tokens":10,"tools":[{"name":"f"}],"messages":[{"role":"user","content":"Hi"}]} | tools.0.input_schema: Field required
            OpenAI tool shape     | {"model":"m","max_tokens":10,"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"Hi"}]} | tools.0.function: Extra inputs
            metadata extra        | {"model":"m","max_tokens":10,"metadata":{"user_id":"u","tag":"x"},"messages":[{"role":"user","content":"Hi"}]} | metadata.tag
            """)
    void whatTheRealApiRefusesIsA400InItsShape(String name, String body, String message) throws Exception {
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = json(r);
        assertThat(e.get("type").asText()).isEqualTo("error");
        assertThat(e.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.at("/error/message").asText()).contains(message);
        assertThat(e.get("request_id").asText()).startsWith("req_");
    }

    @Test
    void aStreamCutAfterSomeDeltasEndsByAResetWithoutMessageStop() throws Exception {
        String received = readCut(request(PLAIN.formatted(100, ",\"stream\":true"), "x-api-key", KEY, "anthropic-version", "2023-06-01",
                MockLlmServer.CUT_AFTER_HEADER, "3").build());
        assertThat(received).contains("message_start").doesNotContain("message_stop").doesNotContain("message_delta");
        assertThat(received.split("event: content_block_delta", -1)).hasSize(4);
    }

    /** Reads a stream until it ends; a reset ends it with an IOException, which is what a cut looks like. */
    private static String readCut(HttpRequest req) throws Exception {
        StringBuilder received = new StringBuilder();
        try {
            HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException expectedCut) {
            // the connection was reset mid-stream
        }
        return received.toString();
    }

    // --- round trips: an OpenAI request through AnthropicChatProvider to the mock and back

    private HttpRequest translated(ObjectNode openAi, String... headers) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        provider.headers(h);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + provider.path(MODEL, openAi.path("stream").asBoolean())))
                .header("Content-Type", "application/json").header("x-api-key", KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(provider.request(openAi, MODEL).getBytes()));
        h.forEach(b::header);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b.build();
    }

    private JsonNode roundTrip(ObjectNode openAi) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(translated(openAi), HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(provider.answer(r.statusCode(), Buffer.buffer(r.body()), MODEL).getBytes());
    }

    /** The stream fed to the translator as the network delivers it. */
    private String streamedRoundTrip(ObjectNode openAi, StreamTranslator t, String... headers) throws Exception {
        StringBuilder out = new StringBuilder();
        try {
            HttpResponse<InputStream> r = HTTP.send(translated(openAi, headers), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            try (InputStream in = r.body()) {
                byte[] buf = new byte[512];
                for (int n; (n = in.read(buf)) > 0; ) out.append(t.feed(Buffer.buffer(java.util.Arrays.copyOf(buf, n))).toString(StandardCharsets.UTF_8));
            }
        } catch (IOException cut) {
            // a reset: the translator's end() says what that means
        }
        return out.append(t.end().toString(StandardCharsets.UTF_8)).toString();
    }

    static List<JsonNode> chunks(String sse) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            if (e.isBlank()) continue;
            assertThat(e).startsWith("data: ");
            String data = e.substring(6);
            out.add(data.equals("[DONE]") ? JSON.getNodeFactory().textNode("[DONE]") : JSON.readTree(data));
        }
        return out;
    }

    static ObjectNode openAi(String json) throws IOException {
        return (ObjectNode) JSON.readTree(json);
    }

    static final String CHAT = """
            {"model":"gpt-4o","max_tokens":60,"stream_options":{"include_usage":true},"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"Tell me"},
              {"role":"user","content":[{"type":"text","text":"about gateways"}]}]%s}""";

    @Test
    void aPlainOpenAiRequestRoundTripsToAValidCompletion() throws Exception {
        JsonNode c = roundTrip(openAi(CHAT.formatted("")));
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.get("id").asText()).startsWith("chatcmpl-msg_");
        assertThat(c.get("model").asText()).isEqualTo(MODEL);
        assertThat(c.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        // The two user messages arrived as one turn (the mock refuses two in a row): the reply counts their words.
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo(MockLlmServer.reply("Tell me about gateways"));
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        Usage u = Usage.of(c);
        assertThat(u).isNotNull();
        assertThat(u.promptTokens()).isPositive();
        assertThat(u.completionTokens()).isEqualTo(COUNTER.count(MODEL, c.at("/choices/0/message/content").asText()));
        assertThat(c.at("/usage/total_tokens").asLong()).isEqualTo(u.total());
    }

    @Test
    void aStreamedOpenAiRequestRoundTripsToValidChunks() throws Exception {
        JsonNode whole = roundTrip(openAi(CHAT.formatted("")));
        StreamTranslator t = provider.stream(MODEL, true);
        List<JsonNode> chunks = chunks(streamedRoundTrip(openAi(CHAT.formatted(",\"stream\":true")), t));
        assertThat(t.failed()).isFalse();
        assertThat(chunks.getLast().asText()).isEqualTo("[DONE]");
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id")).isEqualTo(chunks.getFirst().get("id"));
            if (c.get("choices").isEmpty()) usage = c.get("usage");
            else {
                text.append(c.at("/choices/0/delta/content").asText(""));
                if (c.at("/choices/0/finish_reason").isTextual()) finish = c.at("/choices/0/finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo(whole.at("/choices/0/message/content").asText());
        assertThat(finish).isEqualTo("stop");
        assertThat(usage).isEqualTo(whole.get("usage"));
    }

    static final String TOOLS = """
            {"model":"gpt-4o","messages":[{"role":"user","content":"What's the weather in Paris?"}%s],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"The weather in a city",
                       "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]%s}""";

    @Test
    void aToolCallRoundTripsAndItsResultGoesBack() throws Exception {
        JsonNode c = roundTrip(openAi(TOOLS.formatted("", "")));
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(c.at("/choices/0/message/content").isNull()).isTrue();
        JsonNode call = c.at("/choices/0/message/tool_calls/0");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.at("/function/arguments").asText())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        // The next turn: the assistant's call and the tool's result; the mock checks they pair up.
        String history = ",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.get("id").asText() + "\",\"content\":\"18 C and sunny\"}";
        JsonNode next = roundTrip(openAi(TOOLS.formatted(history, "")));
        assertThat(next.has("error")).as(next.toString()).isFalse();
        assertThat(next.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(next.at("/choices/0/message/content").asText()).startsWith("Hello from Bastion's mock model.");
    }

    @Test
    void aStreamedToolCallRoundTripsToToolCallDeltas() throws Exception {
        StreamTranslator t = provider.stream(MODEL, true);
        List<JsonNode> chunks = chunks(streamedRoundTrip(openAi(TOOLS.formatted("", ",\"stream\":true")), t));
        assertThat(t.failed()).isFalse();
        assertThat(chunks.getLast().asText()).isEqualTo("[DONE]");
        StringBuilder args = new StringBuilder();
        String name = null;
        String finish = null;
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            JsonNode calls = c.at("/choices/0/delta/tool_calls");
            if (calls.isArray()) {
                assertThat(calls.get(0).get("index").asInt()).isZero();
                if (calls.get(0).has("id")) name = calls.get(0).at("/function/name").asText();
                args.append(calls.get(0).at("/function/arguments").asText());
            }
            if (c.at("/choices/0/finish_reason").isTextual()) finish = c.at("/choices/0/finish_reason").asText();
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(JSON.readTree(args.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void aCutStreamRoundTripsToTheCutErrorAndNoDone() throws Exception {
        StreamTranslator t = provider.stream(MODEL, true);
        String out = streamedRoundTrip(openAi(CHAT.formatted(",\"stream\":true")), t, MockLlmServer.CUT_AFTER_HEADER, "2");
        assertThat(t.failed()).isTrue();
        assertThat(out).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
        List<JsonNode> chunks = chunks(out);
        assertThat(chunks.getLast().at("/error/type").asText()).isEqualTo("upstream_stream_cut");
        assertThat(chunks.stream().filter(c -> c.at("/choices/0/delta/content").isTextual()).count()).isEqualTo(2);
    }

    @Test
    void anAnthropicRefusalRoundTripsToAnOpenAiErrorBody() throws Exception {
        // Anthropic wants a user message first; the translation does not invent one, and the refusal comes back in OpenAI's shape.
        JsonNode e = roundTrip(openAi("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"assistant\",\"content\":\"Hi\"},{\"role\":\"user\",\"content\":\"Hello\"}]}"));
        assertThat(e.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.at("/error/message").asText()).contains("first message must use the \"user\" role");
        assertThat(e.at("/error/code").isNull()).isTrue();
    }
}
