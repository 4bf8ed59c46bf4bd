package dev.bastion.llm.provider;

import static dev.bastion.llm.provider.AnthropicRequest.JSON;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
        // Streamed token by token into the chunk sent on (no tree per event): the annotations' bytes are skipped.
        java.io.StringWriter written = new java.io.StringWriter(data.length());
        try (JsonParser p = JSON.createParser(data); JsonGenerator g = JSON.getFactory().createGenerator(written)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                fail(out, "upstream_invalid_stream", "The upstream sent a stream event that could not be read.");
                return;
            }
            g.writeStartObject();
            int choices = -1;
            boolean usage = false;
            boolean modelWritten = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "error" -> {
                        if (value != JsonToken.START_OBJECT) {
                            copy(name, p, g);
                            break;
                        }
                        JsonNode error = p.readValueAsTree();
                        String message = error.path("message").isTextual() ? error.get("message").asText() : "The upstream reported an error mid-stream.";
                        String type = error.path("type").asText("");
                        fail(out, type.isBlank() ? "api_error" : AnthropicRequest.shown(type), message);
                        return;
                    }
                    case "prompt_filter_results" -> p.skipChildren();
                    case "model" -> {
                        p.skipChildren();
                        g.writeStringField("model", model);
                        modelWritten = true;
                    }
                    case "choices" -> {
                        if (value != JsonToken.START_ARRAY) {
                            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that is not a chat completion chunk.");
                            return;
                        }
                        g.writeArrayFieldStart("choices");
                        choices = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            choices++;
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                g.copyCurrentStructure(p);
                                continue;
                            }
                            g.writeStartObject();
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String field = p.currentName();
                                p.nextToken();
                                if (field.equals("content_filter_results") || field.equals("content_filter_offsets")) p.skipChildren();
                                else copy(field, p, g);
                            }
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                    default -> {
                        if (name.equals("usage")) usage = value == JsonToken.START_OBJECT;
                        copy(name, p, g);
                    }
                }
            }
            if (p.nextToken() != null) throw new JsonParseException(p, "data after the event's object");
            if (choices < 0) {
                fail(out, "upstream_invalid_stream", "The upstream sent a stream event that is not a chat completion chunk.");
                return;
            }
            // Empty choices: the prompt's filter results (first), or the usage chunk (last) — that one only when asked for.
            if (choices == 0 && !(usageChunk && usage)) return;
            if (!modelWritten) g.writeStringField("model", model);
            g.writeEndObject();
        } catch (java.io.IOException e) {
            fail(out, "upstream_invalid_stream", "The upstream sent a stream event that could not be read.");
            return;
        }
        out.appendString("data: " + written + "\n\n");
    }

    private static void copy(String name, JsonParser p, JsonGenerator g) throws java.io.IOException {
        g.writeFieldName(name);
        g.copyCurrentStructure(p);
    }

    private void fail(Buffer out, String type, String message) {
        failed = true;
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("code");
        out.appendString("data: " + e + "\n\n");
    }
}
