package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One streamed Gemini answer ({@code alt=sse}: one {@code GenerateContentResponse} per event, no end
 * marker) as OpenAI chat-completion chunks: the role chunk first, text parts as content deltas, each
 * {@code functionCall} as a whole tool call (Gemini sends a call complete), the finish reason when the
 * candidate gives one — the proper end — and, when the body ends after it, the usage chunk (if the request
 * asked for it) from the last {@code usageMetadata} and {@code [DONE]}. A blocked prompt
 * ({@code promptFeedback.blockReason}) ends the answer with content_filter. An {@code error} event, an
 * unreadable one, or a body that ends before a finish reason gives one OpenAI-style error event and no
 * {@code [DONE]}.
 */
final class GeminiStream implements ChatProvider.StreamTranslator {
    private final String model;
    private final boolean usageChunk;
    private final long created = System.currentTimeMillis() / 1000;
    private final SseSplitter splitter = new SseSplitter(AnthropicStream.MAX_EVENT_BYTES);
    private String idBase;
    private String id;
    private String textPrefix, textSuffix;
    private JsonNode usage;
    private int calls;
    private boolean finished;
    private boolean failed;

    GeminiStream(String model, boolean usageChunk) {
        this.model = model;
        this.usageChunk = usageChunk;
    }

    @Override
    public Buffer feed(Buffer chunk) {
        Buffer out = Buffer.buffer();
        if (failed) return out;
        List<Buffer> events = splitter.feed(chunk);
        int whole = splitter.overflowed() ? events.size() - 1 : events.size();
        for (int i = 0; i < whole && !failed; i++) event(events.get(i), out);
        if (splitter.overflowed() && !failed) fail(out, "upstream_invalid_stream", "The upstream sent a stream event too large to read.");
        return out;
    }

    @Override
    public Buffer end() {
        Buffer out = Buffer.buffer();
        if (failed) return out;
        if (!finished) {
            // No end marker in Gemini's streams: without a finish reason the answer was cut.
            fail(out, AnthropicStream.CUT_TYPE, AnthropicStream.CUT_MESSAGE);
            return out;
        }
        if (usageChunk && usage != null) {
            ObjectNode u = base();
            u.putArray("choices");
            u.set("usage", GeminiChatProvider.usage(usage));
            out.appendBuffer(sse(u));
        }
        return out.appendString("data: [DONE]\n\n");
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private void event(Buffer event, Buffer out) {
        String data = SseSplitter.data(event);
        if (data == null || data.isEmpty()) return;
        JsonNode ev;
        try {
            ev = JSON.readTree(data);
        } catch (JacksonException e) {
            ev = null;
        }
        if (ev == null || !ev.isObject()) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that could not be read.");
            return;
        }
        JsonNode error = ev.get("error");
        if (error != null && error.isObject()) {
            JsonNode e = GeminiChatProvider.error(0, ev).get("error");
            fail(out, e.path("type").asText("api_error"), e.path("message").asText());
            return;
        }
        if (ev.path("usageMetadata").isObject()) usage = ev.get("usageMetadata"); // each event's is the total so far
        if (finished) return; // after the finish reason only the usage may still change
        if (idBase == null) {
            idBase = GeminiChatProvider.idBase(ev.path("responseId").asText(""));
            id = "chatcmpl-" + idBase;
            out.appendBuffer(chunk(JSON.createObjectNode().put("role", "assistant"), null));
        }
        JsonNode candidates = ev.path("candidates");
        if (candidates.isEmpty()) {
            if (ev.path("promptFeedback").path("blockReason").isTextual()) finish("content_filter", out);
            return;
        }
        JsonNode c = candidates.get(0); // one candidate: n > 1 is refused for streams
        for (JsonNode part : c.path("content").path("parts")) {
            if (part.path("thought").asBoolean(false)) continue;
            if (part.path("text").isTextual()) {
                text(part.get("text").asText(), out);
            } else if (part.path("functionCall").isObject()) {
                ObjectNode call = GeminiChatProvider.toolCall(part.get("functionCall"), idBase, calls);
                call.put("index", calls++);
                ObjectNode delta = JSON.createObjectNode();
                delta.putArray("tool_calls").add(call);
                out.appendBuffer(chunk(delta, null));
            }
        }
        JsonNode reason = c.get("finishReason");
        if (reason != null && reason.isTextual()) finish(GeminiChatProvider.finishReason(reason.asText(), calls > 0), out);
    }

    private void finish(String reason, Buffer out) {
        out.appendBuffer(chunk(JSON.createObjectNode(), reason));
        finished = true;
    }

    /** A text delta, written from a prefix made once per stream (see {@code AnthropicStream.text}). */
    private void text(String text, Buffer out) {
        if (text.isEmpty()) return;
        if (textPrefix == null) {
            String c = chunk(JSON.createObjectNode().put("content", ""), null).toString();
            int at = c.indexOf("\"content\":\"\"") + "\"content\":\"".length();
            textPrefix = c.substring(0, at);
            textSuffix = c.substring(at);
        }
        StringBuilder sb = new StringBuilder(textPrefix.length() + text.length() + textSuffix.length() + 8).append(textPrefix);
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text, sb);
        out.appendString(sb.append(textSuffix).toString());
    }

    private ObjectNode base() {
        return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }

    private Buffer chunk(ObjectNode delta, String finish) {
        ObjectNode c = base();
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        return sse(c);
    }

    private void fail(Buffer out, String type, String message) {
        failed = true;
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("code");
        out.appendBuffer(sse(e));
    }

    private static Buffer sse(ObjectNode data) {
        return Buffer.buffer("data: " + data + "\n\n");
    }
}
