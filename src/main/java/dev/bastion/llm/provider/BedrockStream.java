package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.provider.AwsEventStream.MalformedStream;
import dev.bastion.llm.provider.AwsEventStream.Message;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One ConverseStream answer (AWS event-stream messages) as OpenAI chat-completion chunks: the role chunk at
 * {@code messageStart}, text deltas as content, each {@code toolUse} block as a tool call (its id and name at
 * {@code contentBlockStart}, its input fragments as arguments), the finish reason at {@code messageStop}, and
 * — when the request asked for it — a usage chunk from {@code metadata}, which follows it. The answer is
 * whole once {@code messageStop} came: then {@code [DONE]}. An exception message, a frame that fails its
 * checksum or cannot be read, or an end before {@code messageStop} gives one OpenAI-style error event and no
 * {@code [DONE]}.
 */
final class BedrockStream implements ChatProvider.StreamTranslator {
    private final OpenAiChunks chunks;
    private final boolean usageChunk;
    private final AwsEventStream.Decoder decoder = new AwsEventStream.Decoder();
    /** Converse content block index → the tool call it is. */
    private final Map<Integer, Tool> tools = new HashMap<>();
    private boolean stopped;
    private boolean failed;

    private static final class Tool {
        final int index;
        boolean argued;

        Tool(int index) {
            this.index = index;
        }
    }

    BedrockStream(String model, boolean usageChunk) {
        this.chunks = new OpenAiChunks(model);
        this.usageChunk = usageChunk;
    }

    @Override
    public Buffer feed(Buffer chunk) {
        Buffer out = Buffer.buffer();
        if (failed) return out;
        try {
            for (Message m : decoder.feed(chunk)) {
                message(m, out);
                if (failed) break;
            }
        } catch (MalformedStream e) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream frame that could not be read.");
        }
        return out;
    }

    @Override
    public Buffer end() {
        if (failed) return Buffer.buffer();
        if (stopped) return Buffer.buffer("data: [DONE]\n\n");
        Buffer out = Buffer.buffer();
        fail(out, AnthropicStream.CUT_TYPE, AnthropicStream.CUT_MESSAGE);
        return out;
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private void message(Message m, Buffer out) {
        String type = m.header(":message-type");
        if ("exception".equals(type)) {
            String exception = m.header(":exception-type");
            JsonNode p = parse(m);
            String message = p != null && p.path("message").isTextual() ? p.get("message").asText() : "The upstream reported an error mid-stream.";
            fail(out, BedrockChatProvider.errorType(exception == null ? null : capitalised(exception), 500), message);
            return;
        }
        if ("error".equals(type)) {
            fail(out, "server_error", "The upstream reported an error mid-stream.");
            return;
        }
        if (!"event".equals(type)) return; // message types added later
        if (stopped && !"metadata".equals(m.header(":event-type"))) return;
        JsonNode ev = parse(m);
        if (ev == null || !ev.isObject()) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that could not be read.");
            return;
        }
        int index = ev.path("contentBlockIndex").asInt(-1);
        switch (m.header(":event-type") == null ? "" : m.header(":event-type")) {
            case "messageStart" -> chunks.startIfNot(out);
            case "contentBlockStart" -> {
                chunks.startIfNot(out);
                JsonNode use = ev.path("start").path("toolUse");
                if (use.isObject()) {
                    Tool t = new Tool(tools.size());
                    tools.put(index, t);
                    ObjectNode call = JSON.createObjectNode().put("index", t.index).put("id", use.path("toolUseId").asText("")).put("type", "function");
                    call.putObject("function").put("name", use.path("name").asText("")).put("arguments", "");
                    chunks.toolCall(call, out);
                }
            }
            case "contentBlockDelta" -> {
                chunks.startIfNot(out);
                JsonNode delta = ev.path("delta");
                if (delta.path("text").isTextual()) {
                    String text = delta.get("text").asText();
                    chunks.text(text, out);
                } else if (delta.path("toolUse").isObject()) {
                    Tool t = tools.get(index);
                    if (t != null) arguments(t, delta.get("toolUse").path("input").asText(""), out);
                } // reasoning: never asked for
            }
            case "contentBlockStop" -> {
                Tool t = tools.get(index);
                if (t != null && !t.argued) arguments(t, "{}", out); // OpenAI clients parse the arguments
            }
            case "messageStop" -> {
                chunks.startIfNot(out);
                chunks.finish(BedrockChatProvider.finishReason(ev.path("stopReason").asText(null)), out);
                stopped = true;
            }
            case "metadata" -> {
                if (usageChunk && stopped && ev.path("usage").isObject()) chunks.usage(BedrockChatProvider.usage(ev.get("usage")), out);
            }
            default -> {} // event types added later
        }
    }

    /** {@code throttlingException} (the stream's spelling) → {@code ThrottlingException} (the header's). */
    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static JsonNode parse(Message m) {
        try {
            return JSON.readTree(m.payload());
        } catch (java.io.IOException e) {
            return null;
        }
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
