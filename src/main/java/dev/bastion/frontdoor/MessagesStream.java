package dev.bastion.frontdoor;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One streamed answer, OpenAI chat-completion chunks in (the normalised stream, after the response
 * filters), Anthropic's SSE events out: {@code message_start} and a {@code ping} at the first chunk; text as
 * a text block's {@code text_delta}s; each tool call as a {@code tool_use} block (its id and name at
 * {@code content_block_start}, its argument fragments as {@code input_json_delta}s); at {@code [DONE]} the
 * open block's {@code content_block_stop}, {@code message_delta} with the stop reason and the usage (from
 * the usage chunk the front door always asks for), and {@code message_stop}.
 * <p>
 * A stream that failed — an {@code error} event (a provider's, translated; the guardrails' stop; a broken
 * upstream stream), an unreadable event, or an end without {@code [DONE]} — ends with Anthropic's
 * {@code event: error} and <b>no</b> {@code message_stop}: a truncated answer never looks complete.
 */
final class MessagesStream {
    private static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;
    private static final String CUT_MESSAGE = "The upstream ended the stream before the answer was complete.";

    private final SseSplitter splitter = new SseSplitter(MAX_EVENT_BYTES);
    private final String requestId;
    /** OpenAI tool call index → the content block it is. */
    private final Map<Integer, Integer> callBlocks = new HashMap<>(4);
    private String textPrefix; // a text delta event up to its text, once the open block's index is known
    private int blocks;
    private int open = -1;
    private boolean openIsText;
    private boolean started, done, failed;
    private String finish;
    private JsonNode usage;

    MessagesStream(String requestId) {
        this.requestId = requestId;
    }

    Buffer feed(Buffer chunk) {
        Buffer out = Buffer.buffer();
        if (done || failed) return out;
        List<Buffer> events = splitter.feed(chunk);
        int whole = splitter.overflowed() ? events.size() - 1 : events.size();
        for (int i = 0; i < whole && !done && !failed; i++) event(SseSplitter.data(events.get(i)), out);
        if (splitter.overflowed() && !done && !failed) fail(out, "upstream_invalid_stream", "The upstream sent a stream event too large to read.");
        return out;
    }

    /** The normalised stream ended: nothing more after {@code [DONE]} or an error, else the cut's error event. */
    Buffer end() {
        Buffer out = Buffer.buffer();
        if (!done && !failed) fail(out, "upstream_stream_cut", CUT_MESSAGE);
        return out;
    }

    /** Whether the answer ended with {@code message_stop}. */
    boolean complete() {
        return done;
    }

    private void event(String data, Buffer out) {
        if (data == null || data.isEmpty()) return;
        if (data.equals("[DONE]")) {
            finish(out);
            return;
        }
        JsonNode chunk;
        try {
            chunk = MessagesAnswer.JSON.readTree(data);
        } catch (JacksonException e) {
            chunk = null;
        }
        if (chunk == null || !chunk.isObject()) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that could not be read.");
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            // OpenAI's {"message","type","code"} or Bastion's own {"code","message","request_id"} (the guardrails' stop).
            String type = error.path("type").isTextual() ? error.get("type").asText() : error.path("code").asText("api_error");
            String code = error.path("code").isTextual() ? error.get("code").asText() : type;
            String message = error.path("message").isTextual() ? error.get("message").asText() : "The answer failed mid-stream.";
            failed = true;
            out.appendString(AnthropicErrors.event(type, message, code, requestId));
            return;
        }
        start(chunk, out);
        if (chunk.path("usage").isObject()) usage = chunk.get("usage");
        JsonNode choice = chunk.path("choices").path(0);
        if (!choice.isObject()) return; // the usage chunk
        JsonNode delta = choice.path("delta");
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual()) text(content.asText(), out);
        JsonNode refusal = delta.get("refusal");
        if (refusal != null && refusal.isTextual()) text(refusal.asText(), out);
        for (JsonNode call : delta.path("tool_calls")) {
            if (!toolCall(call, out)) return;
        }
        if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
    }

    private void start(JsonNode chunk, Buffer out) {
        if (started) return;
        started = true;
        ObjectNode ev = MessagesAnswer.JSON.createObjectNode().put("type", "message_start");
        ObjectNode m = ev.putObject("message").put("id", MessagesAnswer.messageId(chunk.path("id").asText("")))
                .put("type", "message").put("role", "assistant").put("model", chunk.path("model").asText(""));
        m.putArray("content");
        m.putNull("stop_reason").putNull("stop_sequence");
        // The usage is known at the end (message_delta carries all of it); clients take the last figures.
        m.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        emit(out, "message_start", ev);
        out.appendString("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    }

    private void text(String text, Buffer out) {
        if (text.isEmpty()) return;
        if (!openIsText || open < 0) {
            stopOpen(out);
            open = blocks++;
            openIsText = true;
            textPrefix = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":" + open + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"";
            out.appendString("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":" + open
                    + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        }
        // Most of a stream's events: written around the quoted text, without a tree per event.
        StringBuilder sb = new StringBuilder(textPrefix.length() + text.length() + 16).append(textPrefix);
        JsonStringEncoder.getInstance().quoteAsString(text, sb);
        out.appendString(sb.append("\"}}\n\n").toString());
    }

    /** False when the stream failed: arguments for a call whose block is closed cannot be placed. */
    private boolean toolCall(JsonNode call, Buffer out) {
        int index = call.path("index").asInt(0);
        Integer block = callBlocks.get(index);
        if (block == null) {
            if (!call.path("id").isTextual() || !call.path("function").path("name").isTextual()) {
                fail(out, "upstream_invalid_stream", "The upstream streamed a tool call without its id and name.");
                return false;
            }
            stopOpen(out);
            block = blocks++;
            open = block;
            openIsText = false;
            callBlocks.put(index, block);
            ObjectNode ev = MessagesAnswer.JSON.createObjectNode().put("type", "content_block_start").put("index", block);
            ObjectNode b = ev.putObject("content_block").put("type", "tool_use").put("id", call.get("id").asText())
                    .put("name", call.path("function").get("name").asText());
            b.putObject("input");
            emit(out, "content_block_start", ev);
        }
        String fragment = call.path("function").path("arguments").asText("");
        if (fragment.isEmpty()) return true;
        if (block != open) {
            // Anthropic's blocks are sequential; OpenAI streams one call after another, so this is a broken stream.
            fail(out, "upstream_invalid_stream", "The upstream streamed tool call arguments out of order.");
            return false;
        }
        ObjectNode ev = MessagesAnswer.JSON.createObjectNode().put("type", "content_block_delta").put("index", block);
        ev.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
        emit(out, "content_block_delta", ev);
        return true;
    }

    private void stopOpen(Buffer out) {
        if (open < 0) return;
        out.appendString("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + open + "}\n\n");
        open = -1;
    }

    private void finish(Buffer out) {
        if (!started) start(MessagesAnswer.JSON.createObjectNode(), out);
        stopOpen(out);
        ObjectNode ev = MessagesAnswer.JSON.createObjectNode().put("type", "message_delta");
        ev.putObject("delta").put("stop_reason", MessagesAnswer.stopReason(finish)).putNull("stop_sequence");
        ev.set("usage", MessagesAnswer.usage(usage == null ? MessagesAnswer.JSON.createObjectNode() : usage));
        emit(out, "message_delta", ev);
        out.appendString("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        done = true;
    }

    private void fail(Buffer out, String code, String message) {
        failed = true;
        out.appendString(AnthropicErrors.event(code, message, code, requestId));
    }

    private static void emit(Buffer out, String name, ObjectNode data) {
        out.appendString("event: " + name + "\ndata: " + data + "\n\n");
    }
}
