package dev.bastion.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.RouteConfig.LlmApi;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LlmTest {
    final TokenCounter counter = new TokenCounter();

    /** OpenAI cookbook "How to count tokens with tiktoken": its example conversation, as the API counts it. */
    static final String COOKBOOK = """
            {"model": "%s", "messages": [
              {"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
              {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
              {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
              {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
              {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."},
              {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."}
            ]}""";

    LlmRequest chat(String json) throws LlmRequest.Invalid {
        return LlmRequest.parse(LlmApi.CHAT, Buffer.buffer(json), counter);
    }

    @Test
    void chatPromptTokensMatchWhatOpenAiReports() throws Exception {
        assertThat(chat(COOKBOOK.formatted("gpt-4-0613")).promptTokens()).as("cl100k, as the API reports").isEqualTo(129);
        assertThat(chat(COOKBOOK.formatted("gpt-4o")).promptTokens()).as("o200k, as the API reports").isEqualTo(124);
    }

    @Test
    void rememberedPromptCountsStayExactPerTextAndEncoding() throws Exception {
        // Counted twice (the second time from memory), and in the other encoding: each as a fresh counter says.
        for (int round = 0; round < 2; round++) {
            assertThat(chat(COOKBOOK.formatted("gpt-4-0613")).promptTokens()).isEqualTo(129);
            assertThat(chat(COOKBOOK.formatted("gpt-4o")).promptTokens()).isEqualTo(124);
        }
        // Same length, different text: never confused with each other.
        String words = "the quick brown fox jumps over the lazy dog again and again and again ";
        String digits = "7".repeat(words.length());
        assertThat(words.length()).isGreaterThanOrEqualTo(TokenCounter.MIN_CACHED_CHARS);
        for (int round = 0; round < 2; round++) {
            assertThat(tokensOf(words)).isEqualTo(new TokenCounter().count("gpt-4o", words));
            assertThat(tokensOf(digits)).isEqualTo(new TokenCounter().count("gpt-4o", digits)).isNotEqualTo(tokensOf(words));
        }
    }

    private int tokensOf(String userText) throws Exception {
        String json = new ObjectMapper().createObjectNode().put("model", "gpt-4o").set("messages",
                new ObjectMapper().createArrayNode().add(new ObjectMapper().createObjectNode().put("role", "user").put("content", userText))).toString();
        return chat(json).promptTokens() - TokenCounter.REPLY_PRIMING - TokenCounter.PER_MESSAGE - counter.count("gpt-4o", "user");
    }

    @Test
    void modelFamiliesPickTheirEncoding() {
        for (String m : List.of("gpt-4o", "gpt-4o-mini-2024-07-18", "gpt-4.1", "o3-mini", "ft:gpt-4o:acme::abc", "openai/gpt-5")) {
            assertThat(counter.encodingFor(m).getName()).as(m).isEqualTo("o200k_base");
        }
        for (String m : List.of("gpt-4", "gpt-3.5-turbo", "claude-3-5-sonnet", "llama-3-70b", "mock-gpt-small")) {
            assertThat(counter.encodingFor(m).getName()).as(m).isEqualTo("cl100k_base");
        }
    }

    @Test
    void specialTokenTextIsCountedAsTextNotInterpreted() {
        assertThat(counter.count("gpt-4o", "<|endoftext|>")).isGreaterThan(1);
    }

    @Test
    void requestFieldsAreReadAndCompletionLimitsHonoured() throws Exception {
        LlmRequest r = chat("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":50,"max_tokens":999,"n":2,"stream":true}""");
        assertThat(r.maxTokens()).as("both named: the larger, whichever field the provider reads").isEqualTo(999);
        assertThat(r.choices()).isEqualTo(2);
        assertThat(r.stream()).isTrue();
        assertThat(r.clientWantsUsage()).isFalse();
        LlmRequest c = LlmRequest.parse(LlmApi.COMPLETIONS, Buffer.buffer("{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"a b\",\"c\"],\"best_of\":3,\"n\":1}"), counter);
        assertThat(c.choices()).as("best_of candidates are all billed").isEqualTo(3);
        assertThat(c.promptTokens()).isEqualTo(counter.count("x", "a b") + counter.count("x", "c"));
        LlmRequest e = LlmRequest.parse(LlmApi.EMBEDDINGS, Buffer.buffer("{\"model\":\"text-embedding-3-small\",\"input\":[[1,2,3],[4]]}"), counter);
        assertThat(e.promptTokens()).as("token-id inputs count one per id").isEqualTo(4);
        assertThat(e.maxTokens()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"messages\":[]}", "{\"model\":\"\",\"messages\":[]}", "{\"model\":\"m\"}", "{\"model\":\"m\",\"messages\":{}}",
            "{\"model\":\"m\",\"messages\":[],\"max_tokens\":-1}", "{\"model\":\"m\",\"messages\":[],\"max_tokens\":1.5}",
            "{\"model\":\"m\",\"messages\":[],\"n\":1000}", "{\"model\":\"m\",\"messages\":[],\"stream\":\"yes\"}", "{not json"})
    void malformedRequestsAreRefusedWithAReason(String body) {
        assertThatThrownBy(() -> chat(body)).isInstanceOf(LlmRequest.Invalid.class).hasMessageNotContaining("Exception");
    }

    @Test
    void usageIsRequestedOnlyForStreamsThatDidNotAskAlready() throws Exception {
        LlmRequest streaming = chat("{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":{\"x\":1}}");
        assertThat(streaming.needsUsageReport()).isTrue();
        var rewritten = streaming.json().deepCopy();
        LlmRequest.includeUsage(rewritten);
        assertThat(rewritten.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(rewritten.path("stream_options").path("x").asInt()).as("the client's other options stay").isEqualTo(1);
        assertThat(chat("{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":{\"include_usage\":true}}").needsUsageReport()).isFalse();
        assertThat(chat("{\"model\":\"m\",\"messages\":[]}").needsUsageReport()).isFalse();
    }

    @Test
    void sseEventsSurviveAnySplitByteForByte() {
        String stream = "data: {\"a\":1}\n\n: comment\r\n\r\ndata: x\rdata: y\r\rdata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<String> whole = events(List.of(Buffer.buffer(bytes)));
        assertThat(whole).containsExactly("data: {\"a\":1}\n\n", ": comment\r\n\r\n", "data: x\rdata: y\r\r", "data: [DONE]\n\n");
        for (int cut = 1; cut < bytes.length; cut++) {
            List<Buffer> parts = List.of(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, cut)), Buffer.buffer(java.util.Arrays.copyOfRange(bytes, cut, bytes.length)));
            assertThat(events(parts)).as("split at %d", cut).isEqualTo(whole);
        }
        assertThat(SseSplitter.data(Buffer.buffer("data: x\rdata:y\r\r"))).isEqualTo("x\ny");
    }

    static List<String> events(List<Buffer> chunks) {
        SseSplitter s = new SseSplitter(1 << 20);
        List<String> out = new ArrayList<>();
        for (Buffer c : chunks) for (Buffer e : s.feed(c)) out.add(e.toString());
        assertThat(s.rest()).isNull();
        return out;
    }

    @Test
    void meterTakesOutOnlyTheUsageChunkItAskedFor() {
        String stream = sse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}],\"usage\":null}")
                + sse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"}}],\"usage\":null}")
                + sse("{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}") + "data: [DONE]\n\n";
        ResponseMeter stripping = new ResponseMeter(counter, "gpt-4o", true, 1 << 20);
        stripping.contentType("text/event-stream; charset=utf-8");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < stream.length(); i += 7) out.append(stripping.onChunk(Buffer.buffer(stream.substring(i, Math.min(stream.length(), i + 7)))));
        assertThat(stripping.onEnd()).isNull();
        assertThat(out.toString()).doesNotContain("prompt_tokens").contains("Hello").endsWith("data: [DONE]\n\n");
        assertThat(stripping.reported()).isEqualTo(new Usage(9, 2));
        assertThat(stripping.countedCompletionTokens()).isEqualTo(2);

        ResponseMeter keeping = new ResponseMeter(counter, "gpt-4o", false, 1 << 20);
        keeping.contentType("text/event-stream");
        assertThat(keeping.onChunk(Buffer.buffer(stream)).toString()).as("the client asked for usage: unchanged").isEqualTo(stream);
    }

    @Test
    void meterCountsACutStreamAndReadsAJsonBody() {
        ResponseMeter cut = new ResponseMeter(counter, "gpt-4o", true, 1 << 20);
        cut.contentType("text/event-stream");
        cut.onChunk(Buffer.buffer(sse("{\"choices\":[{\"delta\":{\"content\":\"one two three\"}}]}") + "data: {\"choices\":[{\"delta\":{\"cont"));
        assertThat(cut.onEnd().toString()).as("an incomplete event is passed on as it is").startsWith("data: {\"choices");
        assertThat(cut.reported()).isNull();
        assertThat(cut.countedCompletionTokens()).isEqualTo(counter.count("gpt-4o", "one two three"));

        ResponseMeter json = new ResponseMeter(counter, "gpt-4o", false, 1 << 20);
        json.contentType("application/json");
        String body = "{\"choices\":[{\"message\":{\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";
        assertThat(json.onChunk(Buffer.buffer(body)).toString()).isEqualTo(body);
        json.onEnd();
        assertThat(json.reported()).isEqualTo(new Usage(5, 1));

        ResponseMeter big = new ResponseMeter(counter, "gpt-4o", false, 10);
        big.contentType("application/json");
        big.onChunk(Buffer.buffer(body));
        big.onEnd();
        assertThat(big.measurable()).isFalse();
    }

    static String sse(String json) {
        return "data: " + json + "\n\n";
    }
}
