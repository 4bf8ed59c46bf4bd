package dev.bastion.llm.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ModelConfig;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes every provider's translation (OpenAI ↔ Anthropic, Gemini, Vertex, Bedrock, Azure) with the same
 * arbitrary bytes as a request, an answer and a stream. Properties: a request translates to JSON or is refused
 * with {@link ChatProvider.UntranslatableRequest}; an answer, whatever its status and body, becomes an OpenAI
 * completion ({@code choices}) or an OpenAI error ({@code error}) — never an exception; a stream becomes OpenAI
 * server-sent events whose data are JSON or {@code [DONE]}, with {@code [DONE]} last exactly when the stream
 * did not fail; and a stream translates to the same events however the network cut it.
 */
class ChatProviderFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<ChatProvider> PROVIDERS = List.of(ChatProviders.of(ModelConfig.Provider.OPENAI),
            ChatProviders.of(ModelConfig.Provider.ANTHROPIC), ChatProviders.of(ModelConfig.Provider.GEMINI),
            ChatProviders.of(ModelConfig.Provider.BEDROCK), new AzureChatProvider("2024-10-21"),
            new VertexChatProvider("proj", "europe-west4", ChatProviders.of(ModelConfig.Provider.GEMINI)));
    // Ids and timestamps a translator makes up per stream; everything else must be the same.
    private static final Pattern MADE_UP = Pattern.compile("\"(id|created)\":(\"[^\"]*\"|\\d+)");

    @FuzzTest(maxDuration = "10s")
    void translationIsTotal(byte[] input) {
        JsonNode json = parse(input);
        for (ChatProvider p : PROVIDERS) {
            if (json instanceof ObjectNode request) {
                try {
                    Buffer out = p.request(request.deepCopy(), "model-x");
                    assertThat(parse(out.getBytes())).as("%s request", p.name()).isNotNull();
                } catch (ChatProvider.UntranslatableRequest e) {
                    assertThat(e.getMessage()).isNotBlank();
                }
            }
            if (!p.translates()) continue; // OpenAI's own format: answers and streams pass through as sent
            for (int status : new int[] {200, 400, 429, 500}) {
                JsonNode answer;
                try {
                    answer = parse(p.answer(status, Buffer.buffer(input), "model-x").getBytes());
                } catch (ChatProvider.UnreadableAnswer e) {
                    // The declared refusal (→ 502 upstream_invalid_answer): its text is fixed, never the answer's.
                    answer = parse(e.body().getBytes());
                    if (input.length >= 8) assertThat(e.getMessage()).doesNotContain(new String(input, StandardCharsets.UTF_8));
                }
                assertThat(answer).as("%s answer to %d", p.name(), status).isNotNull();
                assertThat(answer.has(status == 200 ? "choices" : "error") || answer.has("error")).as("%s %d: %s", p.name(), status, answer).isTrue();
            }
            ChatProvider.StreamTranslator whole = p.stream("model-x", true);
            String wholeOut = whole.feed(Buffer.buffer(input)).toString(StandardCharsets.UTF_8) + whole.end().toString(StandardCharsets.UTF_8);
            assertWellFormed(p.name(), wholeOut, whole.failed());
            ChatProvider.StreamTranslator cut = p.stream("model-x", true);
            StringBuilder cutOut = new StringBuilder();
            for (int from = 0, at = 0, i = 0; from < input.length; i++) {
                at = Math.min(input.length, from + (input[i % input.length] & 0x1f) + 1);
                cutOut.append(cut.feed(Buffer.buffer(Arrays.copyOfRange(input, from, at))).toString(StandardCharsets.UTF_8));
                from = at;
            }
            cutOut.append(cut.end().toString(StandardCharsets.UTF_8));
            assertThat(cut.failed()).isEqualTo(whole.failed());
            assertThat(MADE_UP.matcher(cutOut).replaceAll("")).as("%s: the same however cut", p.name())
                    .isEqualTo(MADE_UP.matcher(wholeOut).replaceAll(""));
        }
    }

    private static void assertWellFormed(String provider, String sse, boolean failed) {
        String last = null;
        for (String event : sse.split("\n\n")) {
            if (event.isBlank()) continue;
            for (String line : event.split("\n")) {
                if (!line.startsWith("data:")) continue;
                String data = line.substring(5).strip();
                if (!data.equals("[DONE]")) assertThat(parse(data.getBytes(StandardCharsets.UTF_8))).as("%s event %s", provider, data).isNotNull();
                last = data;
            }
        }
        if (failed) assertThat(sse).as("%s: a failed stream never looks complete", provider).doesNotContain("data: [DONE]");
        else assertThat(last).as("%s: a complete stream ends with [DONE]", provider).isEqualTo("[DONE]");
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            return n == null || n.isMissingNode() ? null : n;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
