package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One streamed Azure OpenAI answer: OpenAI's chunks already, less Azure's filter annotations and the
 * prompt-filter chunk whose {@code choices} are empty; the model is the deployment's. Azure's
 * {@code [DONE]} is the proper end; a stream that ends without it, carries an {@code error} event or an
 * unreadable one ends with one OpenAI-style error event and no {@code [DONE]}.
 */
final class AzureStream implements ChatProvider.StreamTranslator {
    private final String model;
    private final boolean usageChunk;
    private final SseSplitter splitter = new SseSplitter(AnthropicStream.MAX_EVENT_BYTES);
    private boolean done;
    private boolean failed;

    AzureStream(String model, boolean usageChunk) {
        this.model = model;
        this.usageChunk = usageChunk;
    }

    @Override
    public Buffer feed(Buffer chunk) {
        Buffer out = Buffer.buffer();
        if (done || failed) return out;
        List<Buffer> events = splitter.feed(chunk);
        int whole = splitter.overflowed() ? events.size() - 1 : events.size();
        for (int i = 0; i < whole && !done && !failed; i++) event(events.get(i), out);
        if (splitter.overflowed() && !done && !failed) fail(out, "upstream_invalid_stream", "The upstream sent a stream event too large to read.");
        return out;
    }

    @Override
    public Buffer end() {
        if (failed) return Buffer.buffer();
        if (done) return Buffer.buffer("data: [DONE]\n\n");
        Buffer out = Buffer.buffer();
        fail(out, AnthropicStream.CUT_TYPE, AnthropicStream.CUT_MESSAGE);
        return out;
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private void event(Buffer event, Buffer out) {
        String data = SseSplitter.data(event);
        if (data == null || data.isEmpty()) return;
        if (data.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode ev;
        try {
            ev = JSON.readTree(data);
        } catch (JacksonException e) {
            ev = null;
        }
        if (!(ev instanceof ObjectNode c)) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that could not be read.");
            return;
        }
        JsonNode error = c.get("error");
        if (error != null && error.isObject()) {
            String message = error.path("message").isTextual() ? error.get("message").asText() : "The upstream reported an error mid-stream.";
            String type = error.path("type").asText("");
            fail(out, type.isBlank() ? "api_error" : AnthropicRequest.shown(type), message);
            return;
        }
        JsonNode choices = c.get("choices");
        if (choices == null || !choices.isArray()) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that is not a chat completion chunk.");
            return;
        }
        // Empty choices: the prompt's filter results (first), or the usage chunk (last) — that one only when asked for.
        if (choices.isEmpty() && !(usageChunk && c.path("usage").isObject())) return;
        c.remove("prompt_filter_results");
        c.put("model", model);
        for (JsonNode choice : choices) {
            if (choice instanceof ObjectNode o) {
                o.remove("content_filter_results");
                o.remove("content_filter_offsets");
            }
        }
        out.appendString("data: " + c + "\n\n");
    }

    private void fail(Buffer out, String type, String message) {
        failed = true;
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("code");
        out.appendString("data: " + e + "\n\n");
    }
}
