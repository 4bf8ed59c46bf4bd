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

        /** Whether this text repeats, whole, what earlier pieces streamed (a Responses API's done events). */
        public boolean repeat() {
            return stream.startsWith(REPEAT);
        }
    }

    /** The suffix of a reasoning stream's key, and the part whole answers' reasoning segments carry. */
    static final String REASONING = "/reasoning";
    private static final String[] REASONING_FIELDS = {"reasoning_content", "reasoning"};

    /** The model text of a whole (non-streamed) response, by JSON pointer. Embeddings carry none. */
    public static List<Segment> of(LlmApi api, JsonNode response) {
        List<Segment> out = new ArrayList<>();
        if (api == LlmApi.RESPONSES) {
            outputItems(response == null ? null : response.get("output"), "/output", out);
            return out;
        }
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

    /**
     * A Responses API answer's {@code output} items: a message's text and refusals, a call's arguments (a function's, a
     * custom tool's, a remote MCP server's, whose result is third-party text the client reads too), the reasoning's
     * summary and text. The response's echo of the request (instructions, tools, metadata) is not the model's text.
     */
    static void outputItems(JsonNode output, String at, List<Segment> out) {
        if (output == null || !output.isArray()) return;
        for (int i = 0; i < output.size(); i++) outputItem(output.get(i), at + "/" + i, out);
    }

    static void outputItem(JsonNode item, String at, List<Segment> out) {
        if (item == null || !item.isObject()) return;
        switch (item.path("type").asText("")) {
            case "message" -> PromptText.message(item, at, out);
            case "function_call", "mcp_call" -> {
                segment(item.get("arguments"), at + "/arguments", PromptText.Part.PROMPT, out);
                segment(item.get("output"), at + "/output", PromptText.Part.FIELD, out);
            }
            case "custom_tool_call" -> segment(item.get("input"), at + "/input", PromptText.Part.PROMPT, out);
            case "reasoning" -> {
                for (String list : new String[] {"summary", "content"}) {
                    JsonNode parts = item.path(list);
                    for (int k = 0; k < parts.size(); k++) segment(parts.get(k).get("text"), at + "/" + list + "/" + k + "/text", PromptText.Part.FIELD, out);
                }
            }
            default -> { } // searches, images, computer actions: no text the model wrote
        }
    }

    private static void segment(JsonNode node, String pointer, PromptText.Part part, List<Segment> out) {
        if (node != null && node.isTextual()) out.add(new Segment(pointer, node.asText(), part));
    }

    /** The model text one chunk of a streamed response carries, keyed by the stream it continues. */
    public static List<Delta> deltas(LlmApi api, JsonNode chunk) {
        if (api == LlmApi.RESPONSES) return responseEvent(chunk);
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

    /** The prefix of a stream key whose text repeats, whole, what earlier events streamed (see {@link #responseEvent}). */
    static final String REPEAT = "repeat/";

    /**
     * The model text a Responses API event carries. Text arrives in {@code *.delta} events, one stream per output item
     * and part; then the {@code *.done} events, {@code response.output_item.done} and the final {@code response.completed}
     * (or {@code .incomplete}, {@code .failed}) repeat it whole. Each repetition is a stream of its own, marked
     * {@linkplain Delta#repeat() repeat}: inspected like the rest — a client may read only the final response — but
     * not scored twice as what the model said.
     */
    static List<Delta> responseEvent(JsonNode event) {
        if (event == null || !event.isObject()) return List.of();
        String type = event.path("type").asText("");
        String item = event.path("item_id").asText("") + "/" + event.path("output_index").asText("") + "/" + event.path("content_index").asText("");
        List<Delta> out = new ArrayList<>(1);
        switch (type) {
            case "response.output_text.delta" -> text(event.get("delta"), item + "/text", "/delta", out);
            case "response.refusal.delta" -> text(event.get("delta"), item + "/refusal", "/delta", out);
            case "response.function_call_arguments.delta", "response.mcp_call_arguments.delta", "response.custom_tool_call_input.delta" ->
                    text(event.get("delta"), item + "/arguments", "/delta", out);
            case "response.reasoning_summary_text.delta" -> text(event.get("delta"), item + "/" + event.path("summary_index").asText("") + "/summary" + REASONING, "/delta", out);
            case "response.reasoning_text.delta" -> text(event.get("delta"), item + "/reasoning_text" + REASONING, "/delta", out);
            default -> {
                // Whole texts again: in the done events, an item, a part, or the final response.
                List<Segment> whole = new ArrayList<>(1);
                switch (type) {
                    case "response.output_text.done", "response.reasoning_summary_text.done", "response.reasoning_text.done" ->
                            segment(event.get("text"), "/text", type.startsWith("response.reasoning") ? PromptText.Part.FIELD : PromptText.Part.PROMPT, whole);
                    case "response.refusal.done" -> segment(event.get("refusal"), "/refusal", PromptText.Part.PROMPT, whole);
                    case "response.function_call_arguments.done", "response.mcp_call_arguments.done" -> segment(event.get("arguments"), "/arguments", PromptText.Part.PROMPT, whole);
                    case "response.custom_tool_call_input.done" -> segment(event.get("input"), "/input", PromptText.Part.PROMPT, whole);
                    case "response.content_part.added", "response.content_part.done", "response.reasoning_summary_part.added", "response.reasoning_summary_part.done" -> {
                        segment(event.path("part").get("text"), "/part/text", type.contains("reasoning") ? PromptText.Part.FIELD : PromptText.Part.PROMPT, whole);
                        segment(event.path("part").get("refusal"), "/part/refusal", PromptText.Part.PROMPT, whole);
                    }
                    case "response.output_item.added", "response.output_item.done" -> outputItem(event.get("item"), "/item", whole);
                    default -> outputItems(event.path("response").get("output"), "/response/output", whole); // created, completed, incomplete, failed…
                }
                String seq = event.path("sequence_number").asText("");
                for (Segment w : whole) {
                    // Its own stream: the event's number and item keep two repetitions apart where a server numbers no events.
                    String stream = REPEAT + seq + "/" + item + w.pointer() + (w.part() == PromptText.Part.FIELD ? REASONING : "");
                    out.add(new Delta(stream, w.pointer(), w.text()));
                }
            }
        }
        return out;
    }

    /** Whether a Responses API event ends the answer: nothing the model says follows it. */
    public static boolean finalEvent(LlmApi api, JsonNode event) {
        if (api != LlmApi.RESPONSES || event == null) return false;
        String type = event.path("type").asText("");
        return type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed") || type.equals("error");
    }

    private static void text(JsonNode node, String stream, String pointer, List<Delta> out) {
        if (node != null && node.isTextual()) out.add(new Delta(stream, pointer, node.asText()));
    }
}
