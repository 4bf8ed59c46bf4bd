package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One streamed Anthropic answer as OpenAI chat-completion chunks: the role chunk at {@code message_start},
 * text deltas as content, each {@code tool_use} block as a tool call (its id and name, then its
 * {@code input_json_delta} fragments as arguments), the finish reason and — when the request asked for it —
 * a usage chunk at {@code message_stop}, and {@code [DONE]} when the stream ends after it. An {@code error} event, an
 * unreadable event, or an end before {@code message_stop} gives one OpenAI-style error event and no
 * {@code [DONE]}. Pings, thinking and event types added later carry nothing for the client.
 */
final class AnthropicStream implements ChatProvider.StreamTranslator {
    /** The largest single event read; Anthropic's are small (a delta each). */
    static final int MAX_EVENT_BYTES = 1 << 20;
    static final String CUT_TYPE = "upstream_stream_cut";
    static final String CUT_MESSAGE = "The upstream ended the stream before the answer was complete.";

    private final OpenAiChunks chunks;
    private final SseSplitter splitter = new SseSplitter(MAX_EVENT_BYTES);
    /** Anthropic content block index → the tool call it is. */
    private final Map<Integer, Tool> tools = new HashMap<>();
    private final boolean usageChunk;
    /** Anthropic's usage as it stands: message_start's, updated by message_delta's (cumulative) counts. */
    private final ObjectNode usage = JSON.createObjectNode();
    private String stopReason;
    private boolean stopped;
    private boolean failed;

    private static final class Tool {
        final int index;
        final JsonNode startInput;
        boolean argued;

        Tool(int index, JsonNode startInput) {
            this.index = index;
            this.startInput = startInput;
        }
    }

    AnthropicStream(String model, boolean usageChunk) {
        this.chunks = new OpenAiChunks(model);
        this.usageChunk = usageChunk;
    }

    @Override
    public Buffer feed(Buffer chunk) {
        Buffer out = Buffer.buffer();
        if (stopped || failed) return out;
        List<Buffer> events = splitter.feed(chunk);
        // After an overflow the last "event" is the unsplit rest of the stream.
        int whole = splitter.overflowed() ? events.size() - 1 : events.size();
        for (int i = 0; i < whole && !stopped && !failed; i++) event(events.get(i), out);
        if (splitter.overflowed() && !stopped && !failed) fail(out, "upstream_invalid_stream", "The upstream sent a stream event too large to read.");
        return out;
    }

    @Override
    public Buffer end() {
        if (failed) return Buffer.buffer();
        if (stopped) return Buffer.buffer("data: [DONE]\n\n");
        // An incomplete last event is no event (the SSE rule): without message_stop the answer is cut.
        Buffer out = Buffer.buffer();
        fail(out, CUT_TYPE, CUT_MESSAGE);
        return out;
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private void event(Buffer event, Buffer out) {
        String data = SseSplitter.data(event);
        if (data == null || data.isEmpty()) return; // a comment or keep-alive
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
        int index = ev.path("index").asInt(-1);
        switch (ev.path("type").asText("")) {
            case "message_start" -> {
                if (chunks.started()) return;
                JsonNode message = ev.path("message");
                merge(message.path("usage"));
                chunks.start("chatcmpl-" + message.path("id").asText(""), out);
            }
            case "content_block_start" -> {
                chunks.startIfNot(out);
                JsonNode block = ev.path("content_block");
                switch (block.path("type").asText("")) {
                    case "text" -> chunks.text(block.path("text").asText(""), out);
                    case "tool_use" -> {
                        Tool t = new Tool(tools.size(), block.get("input"));
                        tools.put(index, t);
                        ObjectNode call = JSON.createObjectNode().put("index", t.index).put("id", block.path("id").asText("")).put("type", "function");
                        call.putObject("function").put("name", block.path("name").asText("")).put("arguments", "");
                        chunks.toolCall(call, out);
                    }
                    default -> {} // thinking and server tools: never asked for
                }
            }
            case "content_block_delta" -> {
                chunks.startIfNot(out);
                JsonNode delta = ev.path("delta");
                switch (delta.path("type").asText("")) {
                    case "text_delta" -> chunks.text(delta.path("text").asText(""), out);
                    case "input_json_delta" -> {
                        Tool t = tools.get(index);
                        if (t != null) arguments(t, delta.path("partial_json").asText(""), out);
                    }
                    default -> {}
                }
            }
            case "content_block_stop" -> {
                Tool t = tools.get(index);
                // A call whose input came whole at its start, or not at all: OpenAI clients parse the arguments.
                if (t != null && !t.argued) {
                    arguments(t, t.startInput != null && t.startInput.isObject() && !t.startInput.isEmpty() ? t.startInput.toString() : "{}", out);
                }
            }
            case "message_delta" -> {
                JsonNode reason = ev.path("delta").path("stop_reason");
                if (reason.isTextual()) stopReason = reason.asText();
                merge(ev.path("usage"));
            }
            case "message_stop" -> {
                chunks.startIfNot(out);
                chunks.finish(AnthropicChatProvider.finishReason(stopReason), out);
                if (usageChunk) chunks.usage(AnthropicChatProvider.usage(usage, usage.path("output_tokens").asLong(0)), out);
                stopped = true;
            }
            case "error" -> {
                JsonNode e = ev.path("error");
                String message = e.path("message").isTextual() ? e.get("message").asText() : "The upstream reported an error mid-stream.";
                fail(out, e.path("type").asText("api_error"), message);
            }
            default -> {} // ping, and event types added later
        }
    }

    private void merge(JsonNode u) {
        if (!u.isObject()) return;
        for (var e : u.properties()) if (e.getValue().isNumber()) usage.set(e.getKey(), e.getValue());
    }

    private void arguments(Tool t, String fragment, Buffer out) {
        if (fragment.isEmpty()) return;
        t.argued = true;
        chunks.arguments(t.index, fragment, out);
    }

    private void fail(Buffer out, String type, String message) {
        failed = true;
        OpenAiChunks.error(type, message, out);
    }

}
