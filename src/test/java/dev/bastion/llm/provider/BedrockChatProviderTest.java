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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Bedrock Converse translation against golden files ({@code providers/bedrock/}): requests OpenAI →
 * Converse, answers and streams Converse → OpenAI, compared as JSON ({@code id} and {@code created} aside:
 * Converse answers carry no id, so Bastion makes one). Streams are written as JSON lines of events
 * ({@code *.bedrock-events.jsonl}) and framed here in AWS's event-stream encoding, CRCs and all; they are also
 * fed split at random points, cut, and corrupted.
 */
class BedrockChatProviderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    final BedrockChatProvider provider = new BedrockChatProvider();

    static String resource(String name) throws IOException {
        try (InputStream in = BedrockChatProviderTest.class.getResourceAsStream("/providers/bedrock/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** JSON lines ({@code {"event": type, "payload": {...}}} or {@code {"exception": type, ...}}) as ConverseStream's frames. */
    static byte[] frames(String jsonLines) throws IOException {
        Buffer out = Buffer.buffer();
        for (String line : jsonLines.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode e = JSON.readTree(line);
            Map<String, String> h = new LinkedHashMap<>();
            if (e.has("exception")) {
                h.put(":exception-type", e.get("exception").asText());
                h.put(":content-type", "application/json");
                h.put(":message-type", "exception");
            } else {
                h.put(":event-type", e.get("event").asText());
                h.put(":content-type", "application/json");
                h.put(":message-type", "event");
            }
            out.appendBuffer(AwsEventStream.encode(h, e.get("payload").toString().getBytes(StandardCharsets.UTF_8)));
        }
        return out.getBytes();
    }

    static JsonNode withoutIdAndCreated(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("created");
            o.remove("id");
        }
        return node;
    }

    @Test
    void pathsEncodeTheModelIdAndStreamsAskForTheEventStream() {
        assertThat(provider.name()).isEqualTo("bedrock");
        assertThat(provider.path(MODEL, false)).isEqualTo("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
        assertThat(provider.path(MODEL, true)).isEqualTo("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream");
        assertThat(provider.path("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0", false))
                .isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-2-1b-instruct-v1%3A0/converse");
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("Accept", "text/event-stream");
        provider.headers(h, true);
        assertThat(h.get("Accept")).isEqualTo("application/vnd.amazon.eventstream");
        provider.headers(h, false);
        assertThat(h.get("Accept")).isEqualTo("application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tools"})
    void requestsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree(resource(name + ".openai-request.json"));
        JsonNode out = JSON.readTree(provider.request(in, MODEL).getBytes());
        assertThat(out).isEqualTo(JSON.readTree(resource(name + ".bedrock-request.json")));
    }

    @ParameterizedTest
    @CsvSource({"plain,200,", "tool-use,200,", "error,400,ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"})
    void answersTranslateAsTheGoldenFilesSay(String name, int status, String errorType) throws IOException {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (errorType != null) headers.set("x-amzn-ErrorType", errorType);
        long before = System.currentTimeMillis() / 1000;
        JsonNode out = JSON.readTree(provider.answer(status, headers, Buffer.buffer(resource(name + ".bedrock-answer.json")), MODEL).getBytes());
        if (status == 200) {
            assertThat(out.get("created").asLong()).isBetween(before, System.currentTimeMillis() / 1000);
            assertThat(out.get("id").asText()).startsWith("chatcmpl-");
        }
        assertThat(withoutIdAndCreated(out)).isEqualTo(withoutIdAndCreated(JSON.readTree(resource(name + ".openai-answer.json"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ValidationException,400,invalid_request_error", "AccessDeniedException,403,permission_error",
            "ThrottlingException,429,rate_limit_error", "ServiceUnavailableException,503,server_error", "ModelTimeoutException,408,server_error",
            "InvalidSignatureException,403,authentication_error", "ResourceNotFoundException,404,invalid_request_error",
            "ServiceQuotaExceededException,400,rate_limit_error", "InternalServerException,500,server_error"})
    void bedrockExceptionsBecomeOpenAiErrorTypes(String exception, int status, String type) throws IOException {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("x-amzn-ErrorType", exception + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        JsonNode e = JSON.readTree(provider.answer(status, h, Buffer.buffer("{\"message\":\"what Bedrock said\"}"), MODEL).getBytes()).path("error");
        assertThat(e.path("type").asText()).isEqualTo(type);
        assertThat(e.path("message").asText()).isEqualTo("what Bedrock said");
        assertThat(e.path("code").asText()).isEqualTo(BedrockChatProvider.snake(exception));
    }

    @Test
    void anErrorWithoutTheHeaderIsTypedByItsBodyOrStatusAndNeverEchoesRawBytes() throws IOException {
        JsonNode typed = JSON.readTree(provider.answer(429, Buffer.buffer("{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"slow\"}"), MODEL)
                .getBytes()).path("error");
        assertThat(typed.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(typed.path("code").asText()).isEqualTo("throttling_exception");
        JsonNode html = JSON.readTree(provider.answer(502, Buffer.buffer("<html>secret-upstream-page</html>"), MODEL).getBytes()).path("error");
        assertThat(html.path("message").asText()).contains("502").doesNotContain("secret-upstream-page");
        assertThat(html.path("type").asText()).isEqualTo("server_error");
        assertThat(html.get("code").isNull()).isTrue();
        // A header that is not an exception name is not echoed either.
        MultiMap odd = MultiMap.caseInsensitiveMultiMap().set("x-amzn-ErrorType", "sk-live-123 <script>");
        assertThat(provider.answer(400, odd, Buffer.buffer("{}"), MODEL).toString()).doesNotContain("sk-live").doesNotContain("script");
    }

    @Test
    void aSuccessBodyThatIsNotAConverseAnswerIsAnError() throws IOException {
        assertThatThrownBy(() -> provider.answer(200, Buffer.buffer("{\"hello\":1}"), MODEL)).isInstanceOf(ChatProvider.UnreadableAnswer.class)
                .hasMessageContaining("Converse answer");
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "model_context_window_exceeded,length", "tool_use,tool_calls",
            "guardrail_intervened,content_filter", "content_filtered,content_filter", "something_new,stop"})
    void stopReasonsMapToFinishReasons(String stopReason, String finish) throws IOException {
        String body = "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[]}},\"stopReason\":\"" + stopReason + "\",\"usage\":{}}";
        JsonNode out = JSON.readTree(provider.answer(200, Buffer.buffer(body), MODEL).getBytes());
        assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo(finish);
        assertThat(out.at("/choices/0/message/content").isNull()).isTrue();
    }

    // --- streams

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "exception"})
    void streamsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        StreamTranslator t = provider.stream(MODEL, true);
        String out = t.feed(Buffer.buffer(frames(resource(name + ".bedrock-events.jsonl")))).toString(StandardCharsets.UTF_8) + t.end().toString(StandardCharsets.UTF_8);
        List<String> got = AnthropicChatProviderTest.events(out);
        List<String> want = AnthropicChatProviderTest.events(resource(name + ".openai.sse"));
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            if (want.get(i).equals("[DONE]")) assertThat(got.get(i)).isEqualTo("[DONE]");
            else assertThat(withoutIdAndCreated(JSON.readTree(got.get(i)))).as("event %d", i).isEqualTo(withoutIdAndCreated(JSON.readTree(want.get(i))));
        }
        boolean complete = want.getLast().equals("[DONE]");
        assertThat(t.failed()).isEqualTo(!complete);
        if (!complete) assertThat(out).doesNotContain("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : got) if (!e.equals("[DONE]") && !e.contains("\"error\"")) chunks.add(JSON.readTree(e));
        assertThat(chunks).isNotEmpty().allSatisfy(c -> {
            assertThat(c.get("id")).isEqualTo(chunks.getFirst().get("id"));
            assertThat(c.get("created")).isEqualTo(chunks.getFirst().get("created"));
            assertThat(c.get("model").asText()).isEqualTo(MODEL);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "exception"})
    void streamsSplitAnywhereComeOutTheSame(String name) throws IOException {
        byte[] in = frames(resource(name + ".bedrock-events.jsonl"));
        String whole = normalised(run(in, new Random(0), in.length, true));
        for (int seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            assertThat(normalised(run(in, random, 1 + random.nextInt(64), true))).as("seed %d", seed).isEqualTo(whole);
        }
        assertThat(normalised(run(in, new Random(0), 1, true))).as("byte by byte").isEqualTo(whole);
    }

    private String run(byte[] in, Random random, int maxPiece, boolean usage) {
        StreamTranslator t = provider.stream(MODEL, usage);
        Buffer out = Buffer.buffer();
        for (int i = 0; i < in.length; ) {
            int n = Math.min(in.length - i, 1 + random.nextInt(maxPiece));
            out.appendBuffer(t.feed(Buffer.buffer(Arrays.copyOfRange(in, i, i + n))));
            i += n;
        }
        out.appendBuffer(t.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String normalised(String sse) {
        return sse.replaceAll("\"created\":\\d+", "\"created\":0").replaceAll("\"id\":\"chatcmpl-[^\"]+\"", "\"id\":\"X\"");
    }

    @Test
    void theUsageChunkComesOnlyWhenAskedFor() throws IOException {
        String out = run(frames(resource("plain.bedrock-events.jsonl")), new Random(0), 1 << 20, false);
        assertThat(out).doesNotContain("\"choices\":[]").endsWith("data: [DONE]\n\n");
    }

    @ParameterizedTest(name = "a flipped byte at {0} of the stream")
    @ValueSource(ints = {0, 5, 9, 20, 60, 100, 140})
    void aCorruptedFrameFailsTheStreamWithoutDone(int at) throws IOException {
        byte[] in = frames(resource("plain.bedrock-events.jsonl"));
        in[at] ^= 0x20;
        String out = run(in, new Random(at), 7, true);
        assertThat(out).contains("\"error\"").doesNotContain("[DONE]");
        assertThat(AnthropicChatProviderTest.events(out).getLast()).contains("upstream_invalid_stream");
    }

    @Test
    void aStreamCutInsideAFrameIsCutNotWhole() throws IOException {
        byte[] in = frames(resource("plain.bedrock-events.jsonl"));
        // Everything but the last 3 bytes of the final (metadata) frame: messageStop came, so the answer is whole...
        String whole = run(Arrays.copyOf(in, in.length - 3), new Random(0), 1 << 20, true);
        assertThat(whole).endsWith("data: [DONE]\n\n").doesNotContain("\"choices\":[]");
        // ...but cut inside the messageStop frame, it is not.
        int stopAt = new String(in, StandardCharsets.ISO_8859_1).indexOf("messageStop");
        String cut = run(Arrays.copyOf(in, stopAt + 20), new Random(0), 1 << 20, true);
        assertThat(cut).contains(AnthropicStream.CUT_TYPE).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
    }

    @Test
    void anEventThatIsNotJsonFailsTheStreamAndIsNotEchoed() {
        StreamTranslator t = provider.stream(MODEL, true);
        Buffer frame = AwsEventStream.encode(Map.of(":event-type", "contentBlockDelta", ":message-type", "event"), "{not json sk-secret".getBytes());
        String out = t.feed(frame).toString();
        assertThat(out).contains("upstream_invalid_stream").doesNotContain("sk-secret");
        assertThat(t.end().length()).isZero();
    }

    // --- what cannot be translated

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            n > 1                 | "n":2                                                        | 'n' other than 1
            logprobs              | "logprobs":true                                              | 'logprobs' has no equivalent
            json_schema           | "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}} | 'json_schema' has no equivalent
            json_object           | "response_format":{"type":"json_object"}                     | 'json_object' has no equivalent
            audio param           | "audio":{"voice":"alloy","format":"wav"}                     | 'audio' has no equivalent
            legacy functions      | "functions":[{"name":"f","parameters":{}}]                   | legacy function calling
            temperature above 1   | "temperature":1.5                                            | 'temperature' above 1
            max_tokens zero       | "max_tokens":0                                               | 'max_tokens' must be a positive integer
            unknown field         | "logit_bias":{"50256":-100}                                  | 'logit_bias' has no equivalent
            secret-looking field  | "my key is sk-live-4f3c2b1a0987":1                           | '(not shown)' has no equivalent
            strict tool           | "tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object"}}}] | strict' has no equivalent
            parallel off          | "tools":[{"type":"function","function":{"name":"f"}}],"parallel_tool_calls":false | 'parallel_tool_calls' false
            tool_choice w/o tools | "tool_choice":"required"                                     | 'tools' is empty
            """)
    void fieldsWithoutAnEquivalentAreRefused(String name, String extra, String message) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + extra + "}");
        assertThatThrownBy(() -> provider.request(in, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message)
                .hasMessageNotContaining("sk-live");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            image by URL          | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}] | takes images inline only
            bmp image             | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}]}] | PNG, JPEG, GIF and WebP
            not base64            | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}] | base64 data: URL
            file id               | [{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}] | OpenAI file ids
            audio input           | [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}] | is audio
            only system           | [{"role":"system","content":"Be nice."}]                               | no user or assistant message
            tool calls, no tools  | [{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}] | Converse needs the tools then
            bad arguments         | [{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"[1]"}}]}] | must be a JSON object
            unknown message field | [{"role":"user","content":"Hi","audio":{"id":"a1"}}]                   | 'messages[0].audio' has no equivalent
            """)
    void messagesWithoutAnEquivalentAreRefused(String name, String messages, String message) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":" + messages + "}");
        assertThatThrownBy(() -> provider.request(in, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message);
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOutUnlessTheConversationHoldsToolCalls() throws IOException {
        ObjectNode plain = (ObjectNode) JSON.readTree("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"}""");
        assertThat(JSON.readTree(provider.request(plain, MODEL).getBytes()).has("toolConfig")).isFalse();
        ObjectNode history = (ObjectNode) JSON.readTree("""
                {"model":"m","messages":[{"role":"user","content":"Hi"},
                  {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"c1","content":"x"}],
                 "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none"}""");
        assertThatThrownBy(() -> provider.request(history, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining("'tool_choice' none");
        ObjectNode required = (ObjectNode) JSON.readTree("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}""");
        assertThat(JSON.readTree(provider.request(required, MODEL).getBytes()).at("/toolConfig/toolChoice")).isEqualTo(JSON.readTree("{\"any\":{}}"));
    }

    @Test
    void harmlessFieldsAreDroppedAndConsecutiveRolesMerge() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"},{"role":"user","content":"there"},
                  {"role":"assistant","content":""},{"role":"user","content":"again"}],
                 "stream":true,"stream_options":{"include_usage":true},"seed":1,"presence_penalty":0.5,"store":true,"metadata":{"a":"b"},
                 "safety_identifier":"u1","logit_bias":null,"response_format":{"type":"text"},"modalities":["text"],"n":1}""");
        JsonNode out = JSON.readTree(provider.request(in, MODEL).getBytes());
        assertThat(out).isEqualTo(JSON.readTree("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"},{\"text\":\"there\"},{\"text\":\"again\"}]}]}"));
    }

    @Test
    void documentNamesAreWhatConverseAllows() {
        assertThat(BedrockRequest.documentName("Q3 report: final/v2.pdf", 1)).isEqualTo("Q3 report final v2");
        assertThat(BedrockRequest.documentName("", 2)).isEqualTo("document 2");
        assertThat(BedrockRequest.documentName("***", 3)).isEqualTo("document 3");
    }
}
