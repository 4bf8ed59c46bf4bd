package dev.bastion.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.llm.PromptText.Segment;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of an OpenAI-compatible answer that came from the model — and only that: message contents,
 * refusals, tool and function call arguments, completion texts; in a whole response and in the chunks
 * of a streamed one. Ids, roles, finish reasons and usage are structure, not text. Also the model's
 * reasoning where a server returns it ({@code reasoning_content}: DeepSeek, vLLM, SGLang; {@code
 * reasoning}: vLLM's newer name, OpenRouter, Ollama) and the transcript of an audio answer: the client
 * reads them too, so a credential the model repeats there must not pass. They are
 * {@linkplain #REASONING reasoning} — inspected for personal data and credentials, not scored as
 * instructions (thinking about a request is not acting on it).
 */
public final class CompletionText {
    private CompletionText() {}

    /**
     * One piece of model text carried by one stream chunk.
     *
     * @param stream  which text it continues: the same for every chunk of one choice's content, or of one
     *                tool call's arguments ({@code 0/content}, {@code 0/tool/1}, {@code 0/text})
     * @param pointer where the piece is in the chunk (RFC 6901)
     */
    public record Delta(String stream, String pointer, String text) {
        /** Whether this is the model's reasoning (or an audio transcript) rather than its answer. */
        public boolean reasoning() {
            return stream.endsWith(REASONING);
        }
    }

    /** The suffix of a reasoning stream's key, and the part whole answers' reasoning segments carry. */
    static final String REASONING = "/reasoning";
    private static final String[] REASONING_FIELDS = {"reasoning_content", "reasoning"};

    /** The model text of a whole (non-streamed) response, by JSON pointer. Embeddings carry none. */
    public static List<Segment> of(LlmApi api, JsonNode response) {
        List<Segment> out = new ArrayList<>();
        JsonNode choices = response == null ? null : response.get("choices");
        if (choices == null || !choices.isArray()) return out;
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            String at = "/choices/" + i;
            if (api == LlmApi.CHAT) {
                JsonNode m = c.get("message");
                PromptText.message(m, at + "/message", out);
                if (m == null) continue;
                for (String field : REASONING_FIELDS) {
                    if (m.path(field).isTextual()) out.add(new Segment(at + "/message/" + field, m.get(field).asText(), PromptText.Part.FIELD));
                }
                JsonNode transcript = m.path("audio").path("transcript");
                if (transcript.isTextual()) out.add(new Segment(at + "/message/audio/transcript", transcript.asText(), PromptText.Part.FIELD));
            } else if (c.path("text").isTextual()) out.add(new Segment(at + "/text", c.get("text").asText()));
        }
        return out;
    }

    /** The model text one chunk of a streamed response carries, keyed by the stream it continues. */
    public static List<Delta> deltas(LlmApi api, JsonNode chunk) {
        JsonNode choices = chunk == null ? null : chunk.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return List.of();
        List<Delta> out = new ArrayList<>(1);
        for (int i = 0; i < choices.size(); i++) {
            JsonNode c = choices.get(i);
            // A choice is told apart by its index, not by where it sits in this chunk.
            String choice = c.path("index").canConvertToInt() ? c.get("index").asText() : Integer.toString(i);
            String at = "/choices/" + i;
            if (api != LlmApi.CHAT) {
                text(c.get("text"), choice + "/text", at + "/text", out);
                continue;
            }
            JsonNode d = c.get("delta");
            if (d == null || !d.isObject()) continue;
            text(d.get("content"), choice + "/content", at + "/delta/content", out);
            text(d.get("refusal"), choice + "/refusal", at + "/delta/refusal", out);
            for (String field : REASONING_FIELDS) text(d.get(field), choice + "/" + field + REASONING, at + "/delta/" + field, out);
            text(d.path("audio").get("transcript"), choice + "/transcript" + REASONING, at + "/delta/audio/transcript", out);
            JsonNode calls = d.get("tool_calls");
            if (calls != null && calls.isArray()) {
                for (int k = 0; k < calls.size(); k++) {
                    JsonNode call = calls.get(k);
                    String idx = call.path("index").canConvertToInt() ? call.get("index").asText() : Integer.toString(k);
                    text(call.path("function").get("arguments"), choice + "/tool/" + idx, at + "/delta/tool_calls/" + k + "/function/arguments", out);
                }
            }
            JsonNode fn = d.get("function_call");
            if (fn != null) text(fn.get("arguments"), choice + "/function_call", at + "/delta/function_call/arguments", out);
        }
        return out;
    }

    private static void text(JsonNode node, String stream, String pointer, List<Delta> out) {
        if (node != null && node.isTextual()) out.add(new Delta(stream, pointer, node.asText()));
    }
}
