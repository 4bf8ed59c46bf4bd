package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * Writes one streamed answer as OpenAI chat-completion chunks, each an SSE {@code data:} event: the one writer
 * behind every provider's stream translation, so a client reads the same chunk shape whichever provider answered.
 * The answer's id is set by {@link #start} (a provider's own message id when it sends one first) or made up
 * by {@link #startIfNot} for a stream that skipped its start.
 */
final class OpenAiChunks {
    private final String model;
    private final long created = System.currentTimeMillis() / 1000;
    private String id;
    private String textPrefix, textSuffix; // a text chunk around its content, once the id is known

    OpenAiChunks(String model) {
        this.model = model;
    }

    boolean started() {
        return id != null;
    }

    /** The role chunk that opens the answer, under {@code id}. */
    void start(String id, Buffer out) {
        this.id = id;
        out.appendBuffer(chunk(JSON.createObjectNode().put("role", "assistant"), null));
    }

    /** The role chunk, if the provider's start has not given it (a stream that skipped it still reads as one answer). */
    void startIfNot(Buffer out) {
        if (id == null) start("chatcmpl-" + UUID.randomUUID(), out);
    }

    /**
     * A text delta: most of a stream's events, so written from a prefix made once per stream and the text quoted
     * in place — the same bytes {@link #chunk} would write, without a tree per event.
     */
    void text(String text, Buffer out) {
        if (text.isEmpty()) return;
        if (textPrefix == null) {
            String c = chunk(JSON.createObjectNode().put("content", ""), null).toString();
            int at = c.indexOf("\"content\":\"\"") + "\"content\":\"".length();
            textPrefix = c.substring(0, at);
            textSuffix = c.substring(at); // from the closing quote
        }
        StringBuilder sb = new StringBuilder(textPrefix.length() + text.length() + textSuffix.length() + 8).append(textPrefix);
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text, sb);
        out.appendString(sb.append(textSuffix).toString());
    }

    /** A tool call's opening (its index, id, type and name) or a whole call, as one {@code tool_calls} delta. */
    void toolCall(ObjectNode call, Buffer out) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").add(call);
        out.appendBuffer(chunk(delta, null));
    }

    /** A fragment of the arguments of the call at {@code index}. */
    void arguments(int index, String fragment, Buffer out) {
        ObjectNode call = JSON.createObjectNode().put("index", index);
        call.putObject("function").put("arguments", fragment);
        toolCall(call, out);
    }

    /** The last content chunk: an empty delta with the finish reason. */
    void finish(String reason, Buffer out) {
        out.appendBuffer(chunk(JSON.createObjectNode(), reason));
    }

    /** The usage chunk (no choices) a request with {@code stream_options.include_usage} gets after the finish. */
    void usage(JsonNode usage, Buffer out) {
        ObjectNode u = base();
        u.putArray("choices");
        u.set("usage", usage);
        out.appendBuffer(sse(u));
    }

    /** An OpenAI-style error event, the end of a failed stream (no {@code [DONE]} follows). */
    static void error(String type, String message, Buffer out) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("code");
        out.appendBuffer(sse(e));
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

    private static Buffer sse(ObjectNode data) {
        return Buffer.buffer("data: " + data + "\n\n");
    }
}
