package dev.bastion.llm.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider.StreamTranslator;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Anthropic translation against golden files ({@code providers/anthropic/}): requests OpenAI →
 * Anthropic, answers and streams Anthropic → OpenAI, compared as JSON ({@code created} aside, since it is
 * the clock's). Streams are also fed split at random points and must come out the same.
 */
class AnthropicChatProviderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "claude-sonnet-4-5";
    final AnthropicChatProvider provider = new AnthropicChatProvider();

    static String resource(String name) throws IOException {
        try (InputStream in = AnthropicChatProviderTest.class.getResourceAsStream("/providers/anthropic/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode withoutCreated(JsonNode node) {
        if (node instanceof ObjectNode o) o.remove("created");
        return node;
    }

    @Test
    void nameEndpointAndVersionHeader() {
        assertThat(provider.name()).isEqualTo("anthropic");
        assertThat(provider.path(MODEL, false)).isEqualTo("/v1/messages");
        assertThat(provider.path(MODEL, true)).isEqualTo("/v1/messages");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        provider.headers(headers);
        assertThat(headers.get("anthropic-version")).isEqualTo("2023-06-01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tools", "images", "merge"})
    void requestsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree(resource(name + ".openai-request.json"));
        JsonNode out = JSON.readTree(provider.request(in, MODEL).getBytes());
        assertThat(out).isEqualTo(JSON.readTree(resource(name + ".anthropic-request.json")));
    }

    @ParameterizedTest
    @CsvSource({"plain,200", "tool-use,200", "error,400"})
    void answersTranslateAsTheGoldenFilesSay(String name, int status) throws IOException {
        long before = System.currentTimeMillis() / 1000;
        JsonNode out = JSON.readTree(provider.answer(status, Buffer.buffer(resource(name + ".anthropic-answer.json")), MODEL).getBytes());
        if (status == 200) assertThat(out.get("created").asLong()).isBetween(before, System.currentTimeMillis() / 1000);
        assertThat(withoutCreated(out)).isEqualTo(withoutCreated(JSON.readTree(resource(name + ".openai-answer.json"))));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 502, 529})
    void anErrorBodyThatIsNotJsonGivesAGenericMessageNeverTheBytes(int status) throws IOException {
        JsonNode out = JSON.readTree(provider.answer(status, Buffer.buffer("<html><body>secret-upstream-page</body></html>"), MODEL).getBytes());
        assertThat(out.path("error").path("message").asText()).contains(String.valueOf(status)).doesNotContain("secret-upstream-page");
        assertThat(out.path("error").path("type").asText()).isEqualTo("upstream_error");
        assertThat(out.path("error").has("code")).isTrue();
        assertThat(out.path("error").get("code").isNull()).isTrue();
    }

    @Test
    void aSuccessBodyThatIsNotAMessageIsAnErrorNotAnEmptyAnswer() throws IOException {
        assertThatThrownBy(() -> provider.answer(200, Buffer.buffer("not json"), MODEL)).isInstanceOf(ChatProvider.UnreadableAnswer.class)
                .satisfies(e -> assertThat(JSON.readTree(((ChatProvider.UnreadableAnswer) e).body().getBytes()).at("/error/type").asText())
                        .isEqualTo("upstream_invalid_answer"));
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "pause_turn,stop", "max_tokens,length", "model_context_window_exceeded,length",
            "tool_use,tool_calls", "refusal,content_filter", "something_new,stop"})
    void stopReasonsMapToFinishReasons(String stopReason, String finish) throws IOException {
        String body = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":\"" + stopReason
                + "\",\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}";
        JsonNode out = JSON.readTree(provider.answer(200, Buffer.buffer(body), MODEL).getBytes());
        assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo(finish);
        assertThat(out.at("/choices/0/message/content").isNull()).as("no text blocks: null content").isTrue();
    }

    // --- streams

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "error-event"})
    void streamsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        byte[] in = resource(name + ".anthropic.sse").getBytes(StandardCharsets.UTF_8);
        StreamTranslator t = provider.stream(MODEL, true);
        String out = t.feed(Buffer.buffer(in)).toString(StandardCharsets.UTF_8) + t.end().toString(StandardCharsets.UTF_8);
        List<String> got = events(out);
        List<String> want = events(resource(name + ".openai.sse"));
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            if (want.get(i).equals("[DONE]")) assertThat(got.get(i)).isEqualTo("[DONE]");
            else assertThat(withoutCreated(JSON.readTree(got.get(i)))).as("event %d", i).isEqualTo(withoutCreated(JSON.readTree(want.get(i))));
        }
        boolean complete = want.getLast().equals("[DONE]");
        assertThat(t.failed()).isEqualTo(!complete);
        if (!complete) assertThat(out).doesNotContain("[DONE]");
        // One id, created and model across the answer's chunks.
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : got) if (!e.equals("[DONE]") && !e.contains("\"error\"")) chunks.add(JSON.readTree(e));
        assertThat(chunks).isNotEmpty().allSatisfy(c -> {
            assertThat(c.get("id")).isEqualTo(chunks.getFirst().get("id"));
            assertThat(c.get("created")).isEqualTo(chunks.getFirst().get("created"));
            assertThat(c.get("model").asText()).isEqualTo(MODEL);
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "error-event"})
    void streamsSplitAnywhereComeOutTheSame(String name) throws IOException {
        byte[] in = resource(name + ".anthropic.sse").getBytes(StandardCharsets.UTF_8);
        String whole = normalised(run(in, new Random(0), in.length));
        for (int seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            assertThat(normalised(run(in, random, 1 + random.nextInt(48)))).as("seed %d", seed).isEqualTo(whole);
        }
        assertThat(normalised(run(in, new Random(0), 1))).as("byte by byte").isEqualTo(whole);
    }

    /** Fed in pieces of 1..maxPiece bytes (UTF-8 characters cut too), then ended. */
    private String run(byte[] in, Random random, int maxPiece) {
        StreamTranslator t = provider.stream(MODEL, true);
        Buffer out = Buffer.buffer();
        for (int i = 0; i < in.length; ) {
            int n = Math.min(in.length - i, 1 + random.nextInt(maxPiece));
            out.appendBuffer(t.feed(Buffer.buffer(java.util.Arrays.copyOfRange(in, i, i + n))));
            i += n;
        }
        out.appendBuffer(t.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String normalised(String sse) {
        return sse.replaceAll("\"created\":\\d+", "\"created\":0");
    }

    /** The data of each event, in order. */
    static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            if (e.isBlank()) continue;
            assertThat(e).startsWith("data: ");
            out.add(e.substring(6));
        }
        return out;
    }

    @Test
    void aStreamWithAnEventTooLargeToReadFails() {
        StreamTranslator t = provider.stream(MODEL, true);
        String start = resource0("plain.anthropic.sse").split("\n\n")[0] + "\n\n";
        String out = t.feed(Buffer.buffer(start)).toString() + t.feed(Buffer.buffer("data: " + "x".repeat(AnthropicStream.MAX_EVENT_BYTES + 1))).toString();
        assertThat(out).contains("\"role\":\"assistant\"").contains("upstream_invalid_stream");
        assertThat(t.failed()).isTrue();
        assertThat(t.end().length()).as("no [DONE] after a failure").isZero();
    }

    @Test
    void anUnreadableEventFailsTheStream() {
        StreamTranslator t = provider.stream(MODEL, true);
        String out = t.feed(Buffer.buffer("event: content_block_delta\ndata: {not json\n\n")).toString();
        assertThat(out).contains("upstream_invalid_stream").doesNotContain("not json");
        assertThat(t.failed()).isTrue();
        assertThat(t.end().length()).isZero();
    }

    @Test
    void anEmptyStreamIsCut() {
        StreamTranslator t = provider.stream(MODEL, true);
        assertThat(t.feed(Buffer.buffer(": keep-alive\n\n")).length()).isZero();
        assertThat(t.end().toString()).contains(AnthropicStream.CUT_TYPE).doesNotContain("[DONE]");
        assertThat(t.failed()).isTrue();
    }

    private static String resource0(String name) {
        try {
            return resource(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- what cannot be translated

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            n > 1                 | "n":2                                                        | 'n' other than 1
            logprobs              | "logprobs":true                                              | 'logprobs' has no equivalent
            top_logprobs          | "top_logprobs":3                                             | 'top_logprobs' has no equivalent
            json_schema           | "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}} | json_schema has no equivalent
            json_object           | "response_format":{"type":"json_object"}                     | json_object has no equivalent
            audio out             | "modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"} | text only
            audio param           | "audio":{"voice":"alloy","format":"wav"}                     | 'audio' has no equivalent
            legacy functions      | "functions":[{"name":"f","parameters":{}}]                   | legacy function calling
            temperature above 1   | "temperature":1.5                                            | 'temperature' above 1
            max_tokens zero       | "max_tokens":0                                               | 'max_tokens' must be a positive integer
            unknown field         | "logit_bias":{"50256":-100}                                  | 'logit_bias' has no equivalent
            reasoning_effort      | "reasoning_effort":"high"                                    | 'reasoning_effort' has no equivalent
            stop not strings      | "stop":[1,2]                                                 | 'stop' must be a string or an array of strings
            strict tool           | "tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object"}}}] | strict' has no equivalent
            custom tool           | "tools":[{"type":"custom","custom":{"name":"f"}}]            | only function tools
            tool_choice w/o tools | "tool_choice":"required"                                     | 'tools' is empty
            tool_choice allowed   | "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"allowed_tools"} | 'tool_choice' must be
            """)
    void fieldsWithoutAnEquivalentAreRefused(String name, String extra, String message) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + extra + "}");
        assertThatThrownBy(() -> provider.request(in, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no messages           | []                                                                     | 'messages' must be a non-empty array
            only system           | [{"role":"system","content":"Be nice."}]                               | no user or assistant message
            audio input           | [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}] | is audio
            unknown part          | [{"role":"user","content":[{"type":"video","video":{}}]}]              | of type 'video'
            bmp image             | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}]}] | JPEG, PNG, GIF and WebP
            ftp image             | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://example.com/a.png"}}]}] | data: or http(s) URL
            not base64            | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}] | base64 data: URL
            file id               | [{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}] | OpenAI file ids
            not a pdf             | [{"role":"user","content":[{"type":"file","file":{"file_data":"data:text/csv;base64,YSxi"}}]}] | PDF documents
            function role         | [{"role":"user","content":"Hi"},{"role":"function","name":"f","content":"x"}] | legacy function calling
            unknown role          | [{"role":"narrator","content":"Once"}]                                  | must be system, developer, user, assistant or tool
            unknown message field | [{"role":"user","content":"Hi","audio":{"id":"a1"}}]                   | 'messages[0].audio' has no equivalent
            part extra field      | [{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}] | 'messages[0].content[0].cache_control'
            bad arguments         | [{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{not json"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}] | must be a JSON object
            array arguments       | [{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"[1,2]"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}] | must be a JSON object
            tool without id       | [{"role":"user","content":"Hi"},{"role":"tool","content":"x"}]         | 'messages[1].tool_call_id' must be a string
            image in system       | [{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},{"role":"user","content":"Hi"}] | must be a text part here
            """)
    void messagesWithoutAnEquivalentAreRefused(String name, String messages, String message) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":" + messages + "}");
        assertThatThrownBy(() -> provider.request(in, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message);
    }

    @Test
    void harmlessFieldsAreDroppedAndExplicitNullsAreAbsent() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream_options":{"include_usage":true},"seed":1,
                 "presence_penalty":0.5,"frequency_penalty":0.5,"parallel_tool_calls":false,"store":true,"metadata":{"a":"b"},
                 "prediction":{"type":"content","content":"x"},"service_tier":"auto","prompt_cache_key":"k",
                 "logit_bias":null,"response_format":{"type":"text"},"top_logprobs":null,"modalities":["text"]}""");
        JsonNode out = JSON.readTree(provider.request(in, MODEL).getBytes());
        assertThat(out).isEqualTo(JSON.readTree("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4096}"));
    }

    @Test
    void theModelIsTheOneGivenAndSafetyIdentifierWinsOverUser() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"user":"old","safety_identifier":"new","stream":false}""");
        JsonNode out = JSON.readTree(provider.request(in, "claude-haiku-4-5").getBytes());
        assertThat(out.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(out.at("/metadata/user_id").asText()).isEqualTo("new");
        assertThat(out.get("stream").asBoolean(true)).isFalse();
    }

    @Test
    void consecutiveToolResultsShareOneUserTurnWithTheTextAfterThem() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[
                  {"role":"user","content":"Two lookups"},
                  {"role":"assistant","content":"Sure.","tool_calls":[
                    {"id":"a","type":"function","function":{"name":"f","arguments":"{\\"q\\":1}"}},
                    {"id":"b","type":"function","function":{"name":"f","arguments":"{\\"q\\":2}"}}]},
                  {"role":"tool","tool_call_id":"a","content":"one"},
                  {"role":"tool","tool_call_id":"b","content":"two"},
                  {"role":"user","content":"And?"},
                  {"role":"user","content":"Well?"}]}""");
        JsonNode messages = JSON.readTree(provider.request(in, MODEL).getBytes()).get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.at("/1/content/0/text").asText()).isEqualTo("Sure.");
        assertThat(messages.at("/1/content/1/input/q").asInt()).isEqualTo(1);
        JsonNode last = messages.get(2);
        assertThat(last.get("role").asText()).isEqualTo("user");
        assertThat(last.get("content")).hasSize(4);
        assertThat(last.at("/content/0/tool_use_id").asText()).isEqualTo("a");
        assertThat(last.at("/content/1/tool_use_id").asText()).isEqualTo("b");
        assertThat(last.at("/content/2/text").asText()).isEqualTo("And?");
        assertThat(last.at("/content/3/text").asText()).isEqualTo("Well?");
    }
}
