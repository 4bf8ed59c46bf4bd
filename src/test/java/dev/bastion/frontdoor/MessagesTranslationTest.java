package dev.bastion.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Verdict;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
 * The Messages front door's translations against golden files ({@code frontdoor/anthropic/}): requests
 * Anthropic → OpenAI chat, whole answers and errors OpenAI → Anthropic, streams OpenAI chunks → Anthropic
 * events (also fed split at random points), and what is refused, dropped, and how errors look.
 */
class MessagesTranslationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REQUEST_ID = "req-7";

    static String resource(String name) throws IOException {
        try (InputStream in = MessagesTranslationTest.class.getResourceAsStream("/frontdoor/anthropic/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static ObjectNode request(String json) throws IOException {
        return (ObjectNode) JSON.readTree(json);
    }

    // --- requests

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tools"})
    void requestsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        ObjectNode out = MessagesRequest.toChat(request(resource(name + ".messages-request.json")));
        assertThat(out).isEqualTo(JSON.readTree(resource(name + ".chat-request.json")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}|'thinking' (extended thinking)",
            "\"top_k\":40|'top_k'",
            "\"container\":\"c_1\"|'container'",
            "\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example.com\",\"name\":\"x\"}]|'mcp_servers'",
            "\"context_management\":{}|'context_management'",
            "\"metadata\":{\"tenant\":\"a\"}|'metadata.tenant'",
            "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]|'tools[0]' of type 'web_search_20250305' (a server tool)",
            "\"tools\":[{\"type\":\"bash_20250124\",\"name\":\"bash\"}]|'tools[0]' of type 'bash_20250124' (a server tool)",
            "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{\"type\":\"url\",\"url\":\"https://x/a.pdf\"}}]}]|'messages[0].content[0]' other than a base64 PDF",
            "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"file_1\"}}]}]|'messages[0].content[0].source' of type 'file' (Anthropic's Files API)",
            "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}]|'messages[0].content[0].content[0]' of type 'image' in a tool result",
            "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\",\"citations\":[{\"type\":\"char_location\"}]}]}]|'messages[0].content[0].citations'",
            "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"search_result\",\"source\":\"s\"}]}]|'messages[0].content[0]' of type 'search_result'",
            "\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"server_tool_use\",\"id\":\"s\",\"name\":\"web_search\",\"input\":{}}]}]|'messages[0].content[0]' of type 'server_tool_use'"})
    void anthropicFeaturesTheChatFormatCannotCarryAreRefusedByName(String field, String named) throws IOException {
        String base = "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        String json = field.startsWith("\"messages\"") ? "{\"model\":\"claude\",\"max_tokens\":10," + field + "}" : base + "," + field + "}";
        assertThatThrownBy(() -> MessagesRequest.toChat(request(json)))
                .isInstanceOfSatisfying(MessagesRequest.Refused.class, r -> assertThat(r.code).isEqualTo("unsupported_by_front_door"))
                .hasMessageStartingWith(named + " is not supported by Bastion's Messages API");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|'model' is required.",
            "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|'max_tokens' is required.",
            "{\"model\":\"claude\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|'max_tokens' must be a positive integer.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[]}|'messages' must be a non-empty array.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[]}]}|'messages[0].content' must not be empty.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s\"}]}]}|'messages' must have a turn with content.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"\"},{\"type\":\"text\",\"text\":\"\"}]}]}|'messages' must have a turn with content.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}]}|'messages' must have a turn with content.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}|'messages[0].role' must be user or assistant.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"temperature\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|'temperature' must be a number from 0 to 1.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"any\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|'tool_choice' asks for a tool but 'tools' is empty.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/bmp\",\"data\":\"x\"}}]}]}|'messages[0].content[0].source.media_type' must be image/jpeg, image/png, image/gif or image/webp.",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"file:///etc/passwd\"}}]}]}|'messages[0].content[0].source.url' must be an http(s) URL."})
    void malformedRequestsAreRefusedWithWhatIsWrong(String json, String message) {
        assertThatThrownBy(() -> MessagesRequest.toChat(request(json)))
                .isInstanceOfSatisfying(MessagesRequest.Refused.class, r -> assertThat(r.code).isEqualTo("invalid_llm_request"))
                .hasMessage(message);
    }

    @Test
    void aRefusalNeverQuotesWhatIsNotAName() {
        String secret = "sk-ant-api03-not a name at all";
        assertThatThrownBy(() -> MessagesRequest.toChat(request("{\"model\":\"claude\",\"max_tokens\":5,\"" + secret + "\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                .hasMessageContaining("(not shown)").hasMessageNotContaining("sk-ant");
    }

    @Test
    void droppedFieldsLeaveTheRequestAsWithoutThem() throws IOException {
        String plain = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String extra = "{\"model\":\"claude\",\"max_tokens\":5,\"thinking\":{\"type\":\"disabled\"},\"service_tier\":\"auto\","
                + "\"cache_control\":{\"type\":\"ephemeral\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(MessagesRequest.toChat(request(extra))).isEqualTo(MessagesRequest.toChat(request(plain)));
    }

    @Test
    void toolChoiceMapsToItsChatEquivalent() throws IOException {
        String tools = "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]";
        for (String[] c : new String[][]{{"{\"type\":\"any\"}", "\"required\""}, {"{\"type\":\"none\"}", "\"none\""},
                {"{\"type\":\"tool\",\"name\":\"f\"}", "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"}}) {
            ObjectNode out = MessagesRequest.toChat(request("{\"model\":\"m\",\"max_tokens\":5," + tools + ",\"tool_choice\":" + c[0]
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(out.get("tool_choice")).isEqualTo(JSON.readTree(c[1]));
            assertThat(out.has("parallel_tool_calls")).isFalse();
        }
        // Without tools, auto and none say nothing (OpenAI refuses a tool_choice without tools).
        assertThat(MessagesRequest.toChat(request("{\"model\":\"m\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"auto\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .has("tool_choice")).isFalse();
    }

    // --- answers

    @ParameterizedTest
    @CsvSource({"plain,200", "tool-use,200", "error,400", "overloaded,529"})
    void answersTranslateAsTheGoldenFilesSay(String name, int status) throws IOException {
        MessagesAnswerFilter f = new MessagesAnswerFilter(REQUEST_ID);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("Content-Length", "999");
        f.onHeaders(status, headers);
        assertThat(headers.contains("Content-Length")).isFalse();
        byte[] body = resource(name + ".chat-answer.json").getBytes(StandardCharsets.UTF_8);
        // In two pieces: the filter holds a whole answer to its end.
        assertThat(f.onChunk(Buffer.buffer(java.util.Arrays.copyOf(body, 10))).length()).isZero();
        assertThat(f.onChunk(Buffer.buffer(java.util.Arrays.copyOfRange(body, 10, body.length))).length()).isZero();
        JsonNode out = JSON.readTree(f.onEnd().getBytes());
        assertThat(out).isEqualTo(JSON.readTree(resource(name + ".messages-answer.json")));
        assertThat(f.refusal()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"stop,end_turn", "length,max_tokens", "tool_calls,tool_use", "function_call,tool_use", "content_filter,refusal", "something_new,end_turn"})
    void finishReasonsMapToStopReasons(String finish, String stop) {
        assertThat(MessagesAnswer.stopReason(finish)).isEqualTo(stop);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"object\":\"chat.completion\",\"choices\":[]}",
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]},\"finish_reason\":\"tool_calls\"}]}"})
    void aSuccessThatIsNotAReadableAnswerIsRefusedNotSentEmpty(String body) {
        MessagesAnswerFilter f = new MessagesAnswerFilter(REQUEST_ID);
        f.onHeaders(200, MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"));
        f.onChunk(Buffer.buffer(body));
        assertThat(f.onEnd()).isNull();
        Verdict.Deny refusal = f.refusal();
        assertThat(refusal.status()).isEqualTo(502);
        assertThat(refusal.reason()).isEqualTo("upstream_invalid_answer");
        assertThat(refusal.message()).doesNotContain("not json");
    }

    @Test
    void anErrorBodyThatIsNotJsonGivesAGenericMessageNeverTheBytes() throws IOException {
        MessagesAnswerFilter f = new MessagesAnswerFilter(REQUEST_ID);
        f.onHeaders(502, MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/html"));
        f.onChunk(Buffer.buffer("<html>internal-upstream-page</html>"));
        JsonNode out = JSON.readTree(f.onEnd().getBytes());
        assertThat(out.at("/error/type").asText()).isEqualTo("api_error");
        assertThat(out.toString()).doesNotContain("internal-upstream-page");
        assertThat(out.path("request_id").asText()).isEqualTo(REQUEST_ID);
    }

    // --- streams

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tool-use", "cut", "error-event", "guard-stop"})
    void streamsTranslateAsTheGoldenFilesSay(String name) throws IOException {
        byte[] in = resource(name + ".chat.sse").getBytes(StandardCharsets.UTF_8);
        String want = resource(name + ".messages.sse");
        MessagesStream whole = new MessagesStream(REQUEST_ID);
        String got = whole.feed(Buffer.buffer(in)).toString(StandardCharsets.UTF_8) + whole.end().toString(StandardCharsets.UTF_8);
        assertSameEvents(got, want);
        boolean complete = want.contains("event: message_stop");
        assertThat(whole.complete()).isEqualTo(complete);
        if (!complete) assertThat(got).contains("event: error").doesNotContain("message_stop").doesNotContain("message_delta");
        // Split anywhere (inside an event, inside a UTF-8 character), it comes out the same.
        Random random = new Random(name.hashCode());
        for (int round = 0; round < 20; round++) {
            MessagesStream split = new MessagesStream(REQUEST_ID);
            Buffer acc = Buffer.buffer();
            int at = 0;
            while (at < in.length) {
                int n = 1 + random.nextInt(40);
                int end = Math.min(in.length, at + n);
                acc.appendBuffer(split.feed(Buffer.buffer(java.util.Arrays.copyOfRange(in, at, end))));
                at = end;
            }
            acc.appendBuffer(split.end());
            assertThat(acc.toString(StandardCharsets.UTF_8)).isEqualTo(got);
        }
    }

    static void assertSameEvents(String got, String want) throws IOException {
        List<String[]> g = events(got), w = events(want);
        assertThat(g.stream().map(e -> e[0]).toList()).isEqualTo(w.stream().map(e -> e[0]).toList());
        for (int i = 0; i < w.size(); i++) {
            assertThat(JSON.readTree(g.get(i)[1])).as("event %d (%s)", i, w.get(i)[0]).isEqualTo(JSON.readTree(w.get(i)[1]));
        }
    }

    /** Each event as {name, data}; every event must name itself and its data's type must be its name. */
    static List<String[]> events(String sse) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.isBlank()) continue;
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            String name = lines[0].substring(7), data = lines[1].substring(6);
            assertThat(JSON.readTree(data).path("type").asText()).isEqualTo(name);
            out.add(new String[]{name, data});
        }
        return out;
    }

    @Test
    void argumentsForAClosedToolCallEndTheStreamWithAnError() {
        MessagesStream s = new MessagesStream(REQUEST_ID);
        String out = s.feed(Buffer.buffer(
                "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\n"
                + "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}\n\n"
                + "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n"
                + "data: [DONE]\n\n")).toString();
        assertThat(out).contains("event: error").contains("upstream_invalid_stream").doesNotContain("message_stop");
        assertThat(s.end().length()).isZero();
    }

    @Test
    void anUnreadableEventEndsTheStreamWithAnError() {
        MessagesStream s = new MessagesStream(REQUEST_ID);
        String out = s.feed(Buffer.buffer("data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"content\n\n")).toString();
        assertThat(out).contains("text_delta").contains("event: error").contains("upstream_invalid_stream").doesNotContain("{\"content\n");
        assertThat(s.complete()).isFalse();
    }

    @Test
    void theFilterTranslatesAnEventStreamAndPassesErrorsWhole() throws IOException {
        MessagesAnswerFilter f = new MessagesAnswerFilter(REQUEST_ID);
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/event-stream");
        f.onHeaders(200, h);
        String out = f.onChunk(Buffer.buffer(resource("plain.chat.sse"))).toString() + f.onEnd();
        assertSameEvents(out, resource("plain.messages.sse"));
        assertThat(h.get("Content-Type")).isEqualTo("text/event-stream");
        assertThat(f.cut()).isFalse();
        // An error answer to a streamed request is a whole JSON error, as Anthropic sends it.
        MessagesAnswerFilter e = new MessagesAnswerFilter(REQUEST_ID);
        MultiMap eh = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/event-stream");
        e.onHeaders(429, eh);
        e.onChunk(Buffer.buffer("{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\"}}"));
        assertThat(JSON.readTree(e.onEnd().getBytes()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(eh.get("Content-Type")).isEqualTo("application/json");
    }

    // --- errors

    @ParameterizedTest
    @CsvSource({"400,invalid_request_error", "401,authentication_error", "402,billing_error", "403,permission_error", "404,not_found_error",
            "405,invalid_request_error", "408,invalid_request_error", "409,invalid_request_error", "413,request_too_large",
            "415,invalid_request_error", "429,rate_limit_error", "500,api_error", "502,api_error", "503,overloaded_error",
            "504,timeout_error", "529,overloaded_error"})
    void bastionsStatusesMapToAnthropicsErrorTypes(int status, String type) throws IOException {
        JsonNode e = JSON.readTree(AnthropicErrors.FORMAT.body(status, "some_code", "What happened.", REQUEST_ID));
        assertThat(e).isEqualTo(JSON.readTree("{\"type\":\"error\",\"error\":{\"type\":\"" + type
                + "\",\"message\":\"What happened.\",\"details\":{\"error_code\":\"some_code\"}},\"request_id\":\"" + REQUEST_ID + "\"}"));
    }

    @Test
    void aStreamErrorIsAnAnthropicErrorEvent() throws IOException {
        String ev = AnthropicErrors.FORMAT.streamEvent("upstream_stream_timeout", "The upstream stopped sending.", REQUEST_ID);
        assertThat(ev).startsWith("event: error\ndata: ").endsWith("\n\n");
        JsonNode data = JSON.readTree(ev.substring(ev.indexOf("data: ") + 6));
        assertThat(data.at("/error/type").asText()).isEqualTo("timeout_error");
        assertThat(data.at("/error/details/error_code").asText()).isEqualTo("upstream_stream_timeout");
        JsonNode other = JSON.readTree(AnthropicErrors.FORMAT.streamEvent("response_filter_fault", "x", REQUEST_ID).substring(19));
        assertThat(other.at("/error/type").asText()).isEqualTo("api_error");
    }

    // --- the control

    @Test
    void theControlReplacesTheBodyWithTheChatRequestAndAddsTheAnswerFilter() throws IOException {
        Exchange ex = Exchange.builder().method(HttpMethod.POST).path("/v1/messages").header("anthropic-version", "2023-06-01")
                .body(Buffer.buffer(resource("plain.messages-request.json"))).build();
        Verdict v = new AnthropicFrontDoor().check(ex).result();
        assertThat(v).isInstanceOf(Verdict.Allow.class);
        assertThat(ex.json().tree()).isEqualTo(JSON.readTree(resource("plain.chat-request.json")));
        assertThat(ex.responseFilters()).singleElement().isInstanceOf(MessagesAnswerFilter.class);
        // What a failover rewinds to is the translated body.
        Exchange.Mark mark = ex.mark();
        ex.json().tree();
        ex.rewind(mark);
        assertThat(ex.json().tree()).isEqualTo(JSON.readTree(resource("plain.chat-request.json")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {"2026-10-21|not json at all|The request body must be a JSON object (an Anthropic Messages API request).",
            "|[1,2]|The request body must be a JSON object (an Anthropic Messages API request).",
            "|{\"model\":\"m\",\"messages\":[]}|'max_tokens' is required."})
    void theControlRefusesWithA400(String version, String body, String message) {
        Exchange.Builder b = Exchange.builder().method(HttpMethod.POST).path("/v1/messages").body(Buffer.buffer(body));
        if (version != null) b.header("anthropic-version", version);
        Exchange ex = b.build();
        Verdict v = new AnthropicFrontDoor().check(ex).result();
        assertThat(v).isInstanceOfSatisfying(Verdict.Deny.class, d -> {
            assertThat(d.status()).isEqualTo(400);
            assertThat(d.message()).isEqualTo(message);
        });
        assertThat(ex.responseFilters()).isEmpty();
    }
}
