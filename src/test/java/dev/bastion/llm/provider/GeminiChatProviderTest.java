package dev.bastion.llm.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.ChatProvider.StreamTranslator;
import dev.bastion.llm.provider.ChatProvider.UntranslatableRequest;
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
 * The Gemini translation against golden files ({@code providers/gemini/}): requests OpenAI → Gemini,
 * answers and streams Gemini → OpenAI, compared as JSON ({@code created} aside). Streams are also fed split
 * at random points (UTF-8 characters and Gemini's CRLF event ends cut too) and must come out the same.
 */
class GeminiChatProviderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "gemini-2.5-flash";
    final GeminiChatProvider provider = new GeminiChatProvider();

    static String resource(String name) throws IOException {
        try (InputStream in = GeminiChatProviderTest.class.getResourceAsStream("/providers/gemini/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode withoutCreated(JsonNode node) {
        if (node instanceof ObjectNode o) o.remove("created");
        return node;
    }

    @Test
    void nameAndEndpoints() {
        assertThat(provider.name()).isEqualTo("gemini");
        assertThat(provider.path(MODEL, false)).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(provider.path(MODEL, true)).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(provider.path("tunedModels/my-tune-1", false)).isEqualTo("/v1beta/tunedModels/my-tune-1:generateContent");
        assertThat(provider.path("models/gemini-2.5-pro", false)).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
        // A public name used as the model cannot reach another path.
        assertThat(provider.path("team/../x:y", false)).isEqualTo("/v1beta/models/team%2F..%2Fx%3Ay:generateContent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tools", "images", "merge"})
    void requestsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree(resource(name + ".openai-request.json"));
        JsonNode out = JSON.readTree(provider.request(in, MODEL).getBytes());
        assertThat(out).isEqualTo(JSON.readTree(resource(name + ".gemini-request.json")));
    }

    @ParameterizedTest
    @CsvSource({"plain,200", "tool-use,200", "blocked,200", "error,400", "rate-limit,429"})
    void answersTranslateAsTheGoldenFilesSay(String name, int status) throws IOException {
        long before = System.currentTimeMillis() / 1000;
        JsonNode out = JSON.readTree(provider.answer(status, Buffer.buffer(resource(name + ".gemini-answer.json")), MODEL).getBytes());
        if (status == 200) assertThat(out.get("created").asLong()).isBetween(before, System.currentTimeMillis() / 1000);
        assertThat(withoutCreated(out)).isEqualTo(withoutCreated(JSON.readTree(resource(name + ".openai-answer.json"))));
    }

    @ParameterizedTest
    @CsvSource({"UNAUTHENTICATED,401,authentication_error,unauthenticated", "PERMISSION_DENIED,403,permission_error,permission_denied",
            "NOT_FOUND,404,invalid_request_error,not_found", "INTERNAL,500,server_error,internal", "UNAVAILABLE,503,server_error,unavailable",
            "FAILED_PRECONDITION,400,invalid_request_error,failed_precondition"})
    void googleStatusesBecomeOpenAiErrorTypes(String googleStatus, int status, String type, String code) throws IOException {
        String body = "{\"error\":{\"code\":" + status + ",\"message\":\"m\",\"status\":\"" + googleStatus + "\"}}";
        JsonNode e = JSON.readTree(provider.answer(status, Buffer.buffer(body), MODEL).getBytes()).get("error");
        assertThat(e.get("type").asText()).isEqualTo(type);
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("message").asText()).isEqualTo("m");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 502, 503})
    void anErrorBodyThatIsNotJsonGivesAGenericMessageNeverTheBytes(int status) throws IOException {
        JsonNode out = JSON.readTree(provider.answer(status, Buffer.buffer("<html>secret-upstream-page</html>"), MODEL).getBytes());
        assertThat(out.path("error").path("message").asText()).contains(String.valueOf(status)).doesNotContain("secret-upstream-page");
        assertThat(out.path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void aSuccessBodyThatIsNotAnAnswerIsAnErrorNotAnEmptyAnswer() throws IOException {
        for (String body : List.of("not json", "{}", "[]")) {
            assertThatThrownBy(() -> provider.answer(200, Buffer.buffer(body), MODEL)).as(body).isInstanceOf(ChatProvider.UnreadableAnswer.class)
                    .hasMessageContaining("could not be read as a Gemini answer");
        }
    }

    @ParameterizedTest
    @CsvSource({"STOP,stop", "MAX_TOKENS,length", "SAFETY,content_filter", "RECITATION,content_filter", "BLOCKLIST,content_filter",
            "PROHIBITED_CONTENT,content_filter", "SPII,content_filter", "IMAGE_SAFETY,content_filter", "OTHER,stop", "LANGUAGE,stop",
            "MALFORMED_FUNCTION_CALL,stop", "SOMETHING_NEW,stop"})
    void finishReasonsMapToOpenAis(String reason, String finish) throws IOException {
        String body = "{\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":\"" + reason + "\"}],\"responseId\":\"r\"}";
        JsonNode out = JSON.readTree(provider.answer(200, Buffer.buffer(body), MODEL).getBytes());
        assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo(finish);
        assertThat(out.at("/choices/0/message/content").isNull()).isTrue();
    }

    @Test
    void severalCandidatesAreSeveralChoicesWithUniqueToolCallIds() throws IOException {
        String body = """
                {"candidates":[
                  {"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1}}}],"role":"model"},"finishReason":"STOP","index":0},
                  {"content":{"parts":[{"functionCall":{"name":"f","args":{"a":2},"id":"gemini-own-id"}}],"role":"model"},"finishReason":"STOP","index":1}],
                 "responseId":"multi"}""";
        JsonNode out = JSON.readTree(provider.answer(200, Buffer.buffer(body), MODEL).getBytes());
        assertThat(out.get("choices")).hasSize(2);
        assertThat(out.at("/choices/1/index").asInt()).isEqualTo(1);
        assertThat(out.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("call_multi_0");
        assertThat(out.at("/choices/1/message/tool_calls/0/id").asText()).as("Gemini's own id is kept").isEqualTo("gemini-own-id");
    }

    @Test
    void toolCallIdsAreSafeNamesWhateverTheResponseId() throws IOException {
        String body = "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\"}}]},\"finishReason\":\"STOP\"}],"
                + "\"responseId\":\"a+b/c=d e\\\"f0123456789012345678901234567890\"}";
        String id = JSON.readTree(provider.answer(200, Buffer.buffer(body), MODEL).getBytes()).at("/choices/0/message/tool_calls/0/id").asText();
        assertThat(id).matches("call_[A-Za-z0-9_-]{1,24}_0");
        assertThat(id.length()).isLessThanOrEqualTo(40); // OpenAI refuses longer tool call ids, should the conversation move there
    }

    // --- streams

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "error-event", "blocked"})
    void streamsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        byte[] in = resource(name + ".gemini.sse").getBytes(StandardCharsets.UTF_8);
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
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : got) if (!e.equals("[DONE]") && !e.contains("\"error\"")) chunks.add(JSON.readTree(e));
        assertThat(chunks).isNotEmpty().allSatisfy(c -> {
            assertThat(c.get("id")).isEqualTo(chunks.getFirst().get("id"));
            assertThat(c.get("created")).isEqualTo(chunks.getFirst().get("created"));
            assertThat(c.get("model").asText()).isEqualTo(MODEL);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "error-event", "blocked"})
    void streamsSplitAnywhereComeOutTheSame(String name) throws IOException {
        byte[] in = resource(name + ".gemini.sse").getBytes(StandardCharsets.UTF_8);
        String whole = normalised(run(in, new Random(0), in.length, true));
        for (int seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            assertThat(normalised(run(in, random, 1 + random.nextInt(48), true))).as("seed %d", seed).isEqualTo(whole);
        }
        assertThat(normalised(run(in, new Random(0), 1, true))).as("byte by byte").isEqualTo(whole);
    }

    @Test
    void withoutIncludeUsageNoChunkHasEmptyChoices() throws IOException {
        byte[] in = resource("plain.gemini.sse").getBytes(StandardCharsets.UTF_8);
        String out = run(in, new Random(0), in.length, false);
        assertThat(out).doesNotContain("\"choices\":[]").doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
    }

    private String run(byte[] in, Random random, int maxPiece, boolean usage) {
        StreamTranslator t = provider.stream(MODEL, usage);
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
    void anUnreadableEventFailsTheStreamWithoutEchoingIt() {
        StreamTranslator t = provider.stream(MODEL, true);
        String out = t.feed(Buffer.buffer("data: {not json\r\n\r\n")).toString();
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

    @Test
    void usageAfterTheFinishReasonIsTheOneReported() {
        StreamTranslator t = provider.stream(MODEL, true);
        String out = t.feed(Buffer.buffer("""
                data: {"candidates":[{"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3},"responseId":"u"}

                data: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"totalTokenCount":4},"responseId":"u"}

                """)).toString() + t.end();
        assertThat(out).contains("\"completion_tokens\":1").endsWith("data: [DONE]\n\n");
        assertThat(out.split("\"finish_reason\":\"stop\"", -1)).hasSize(2);
    }

    // --- what cannot be translated

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            n > 8                 | "n":9                                                        | 'n' must be an integer from 1 to 8
            n > 1 streamed        | "n":2,"stream":true                                          | 'n' other than 1 in a stream
            logprobs              | "logprobs":true                                              | 'logprobs' is not translated
            top_logprobs          | "top_logprobs":3                                             | 'top_logprobs' is not translated
            audio out             | "modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"} | 'modalities' other than
            legacy functions      | "functions":[{"name":"f","parameters":{}}]                   | legacy function calling
            max_tokens zero       | "max_tokens":0                                               | 'max_tokens' must be a positive integer
            unknown field         | "logit_bias":{"50256":-100}                                  | 'logit_bias' has no equivalent
            reasoning_effort      | "reasoning_effort":"high"                                    | 'reasoning_effort' has no equivalent
            stop not strings      | "stop":[1,2]                                                 | 'stop' must be a string or an array of strings
            temperature string    | "temperature":"hot"                                          | 'temperature' must be a number
            strict tool           | "tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object"}}}] | strict' has no equivalent
            custom tool           | "tools":[{"type":"custom","custom":{"name":"f"}}]            | only function tools
            tool_choice w/o tools | "tool_choice":"required"                                     | 'tools' is empty
            no parallel calls     | "tools":[{"type":"function","function":{"name":"f"}}],"parallel_tool_calls":false | 'parallel_tool_calls': false
            $ref in schema        | "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}}}}}] | 'tools[0].function.parameters.properties.a.$ref' has no equivalent
            oneOf in schema       | "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"oneOf":[{"type":"string"}]}}}}}] | oneOf' has no equivalent
            two types             | "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":["string","integer"]}}}}}] | several types
            number enum           | "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"integer","enum":[1,2]}}}}}] | must list strings
            open object           | "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"object","additionalProperties":{"type":"string"}}}}}}] | additionalProperties' other than false
            schema key with a secret | "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","sk-live-4f3c2b1a0987 is my key":1}}}] | parameters.(not shown)' has no equivalent
            response_format other | "response_format":{"type":"grammar"}                         | 'response_format' of type 'grammar'
            json_schema with $defs | "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"$defs":{}}}} | $defs' has no equivalent
            """)
    void fieldsWithoutAnEquivalentAreRefused(String name, String extra, String message) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + extra + "}");
        assertThatThrownBy(() -> provider.request(in, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-live"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no messages           | []                                                                     | 'messages' must be a non-empty array
            only system           | [{"role":"system","content":"Be nice."}]                               | no user or assistant message
            image by URL          | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}] | Bastion does not fetch them
            gif image             | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lGOD=="}}]}] | PNG, JPEG, WebP, HEIC and HEIF
            not base64            | [{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}] | base64 data: URL
            flac audio            | [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"flac"}}]}] | must be wav or mp3
            file id               | [{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}] | OpenAI file ids
            csv file              | [{"role":"user","content":[{"type":"file","file":{"file_data":"data:text/csv;base64,YSxi"}}]}] | PDF, plain text and images
            unknown part          | [{"role":"user","content":[{"type":"video","video":{}}]}]              | of type 'video'
            function role         | [{"role":"user","content":"Hi"},{"role":"function","name":"f","content":"x"}] | legacy function calling
            unknown role          | [{"role":"narrator","content":"Once"}]                                  | must be system, developer, user, assistant or tool
            unknown message field | [{"role":"user","content":"Hi","audio":{"id":"a1"}}]                   | 'messages[0].audio' has no equivalent
            bad arguments         | [{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{not json"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}] | must be a JSON object
            tool result for none  | [{"role":"user","content":"Hi"},{"role":"tool","tool_call_id":"call_x","content":"x"}] | answers no tool call of an earlier assistant message
            tool without id       | [{"role":"user","content":"Hi"},{"role":"tool","content":"x"}]         | 'messages[1].tool_call_id' must be a string
            image in system       | [{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},{"role":"user","content":"Hi"}] | must be a text part here
            """)
    void messagesWithoutAnEquivalentAreRefused(String name, String messages, String message) throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("{\"model\":\"gpt-4o\",\"messages\":" + messages + "}");
        assertThatThrownBy(() -> provider.request(in, MODEL)).isInstanceOf(UntranslatableRequest.class).hasMessageContaining(message);
    }

    @Test
    void harmlessFieldsAreDroppedAndExplicitNullsAreAbsent() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream_options":{"include_usage":true},"store":true,
                 "metadata":{"a":"b"},"prediction":{"type":"content","content":"x"},"service_tier":"auto","prompt_cache_key":"k","user":"u",
                 "safety_identifier":"s","logit_bias":null,"response_format":{"type":"text"},"top_logprobs":null,"modalities":["text"],
                 "parallel_tool_calls":false,"n":1,"stream":false}""");
        JsonNode out = JSON.readTree(provider.request(in, MODEL).getBytes());
        assertThat(out).isEqualTo(JSON.readTree("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"));
    }

    @Test
    void jsonModeAndSeveralAnswers() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"},"n":3}""");
        JsonNode config = JSON.readTree(provider.request(in, MODEL).getBytes()).get("generationConfig");
        assertThat(config).isEqualTo(JSON.readTree("{\"responseMimeType\":\"application/json\",\"candidateCount\":3}"));
    }

    @Test
    void eachModelTurnsFirstCallCarriesTheSignatureGoogleDocumentsForHistoryWithoutOne() throws IOException {
        ObjectNode in = (ObjectNode) JSON.readTree("""
                {"model":"gpt-4o","messages":[
                  {"role":"user","content":"Go"},
                  {"role":"assistant","content":"First.","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"a","content":"1"},
                  {"role":"assistant","tool_calls":[{"id":"b","type":"function","function":{"name":"g","arguments":"{}"}},
                                                    {"id":"c","type":"function","function":{"name":"g","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"c","content":"3"},
                  {"role":"tool","tool_call_id":"b","content":"2"}]}""");
        JsonNode contents = JSON.readTree(provider.request(in, MODEL).getBytes()).get("contents");
        assertThat(contents).hasSize(5);
        assertThat(contents.at("/1/parts/0/text").asText()).isEqualTo("First.");
        assertThat(contents.at("/1/parts/1/thoughtSignature").asText()).isEqualTo(GeminiRequest.SKIP_SIGNATURE);
        assertThat(contents.at("/3/parts/0/thoughtSignature").asText()).isEqualTo(GeminiRequest.SKIP_SIGNATURE);
        assertThat(contents.at("/3/parts/1").has("thoughtSignature")).isFalse();
        // Results answer by name, in the order the client gave them.
        assertThat(contents.at("/4/parts/0/functionResponse/name").asText()).isEqualTo("g");
        assertThat(contents.at("/4/parts/0/functionResponse/response/output").asText()).isEqualTo("3");
    }
}
