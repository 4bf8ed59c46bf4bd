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
    private final OpenAiChunks chunks;
    private final boolean usageChunk;
    private final SseSplitter splitter = new SseSplitter(AnthropicStream.MAX_EVENT_BYTES);
    private String idBase;
    private JsonNode usage;
    private int calls;
    private boolean finished;
    private boolean failed;

    GeminiStream(String model, boolean usageChunk) {
        this.chunks = new OpenAiChunks(model);
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
        if (usageChunk && usage != null) chunks.usage(GeminiChatProvider.usage(usage), out);
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
            chunks.start("chatcmpl-" + idBase, out);
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
                chunks.text(part.get("text").asText(), out);
            } else if (part.path("functionCall").isObject()) {
                ObjectNode call = GeminiChatProvider.toolCall(part.get("functionCall"), idBase, calls);
                call.put("index", calls++);
                chunks.toolCall(call, out);
            }
        }
        JsonNode reason = c.get("finishReason");
        if (reason != null && reason.isTextual()) finish(GeminiChatProvider.finishReason(reason.asText(), calls > 0), out);
    }

    private void finish(String reason, Buffer out) {
        chunks.finish(reason, out);
        finished = true;
    }

    private void fail(Buffer out, String type, String message) {
        failed = true;
        OpenAiChunks.error(type, message, out);
    }

}
