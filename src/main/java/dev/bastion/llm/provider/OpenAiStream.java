package dev.bastion.llm.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * An OpenAI-format stream checked on its way through (U3): every event passes byte for byte, but the
 * stream must end with {@code data: [DONE]} and every event's data must be JSON. A stream that ends
 * without {@code [DONE]}, or carries an event that cannot be read, ends with an OpenAI-style
 * {@code error} event instead — the client's SDK raises it — and never looks complete. An upstream's own
 * {@code error} event passes and marks the stream failed.
 */
final class OpenAiStream implements ChatProvider.StreamTranslator {
    static final String CUT_TYPE = "upstream_stream_cut";
    static final String CUT_MESSAGE = "The upstream ended the stream before the answer was complete.";
    static final String MALFORMED_TYPE = "upstream_invalid_stream";
    static final String MALFORMED_MESSAGE = "The upstream sent a stream event that could not be read.";
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final SseSplitter splitter = new SseSplitter(MAX_EVENT_BYTES);
    private boolean done;
    private boolean failed;

    @Override
    public Buffer feed(Buffer chunk) {
        if (failed || done) return Buffer.buffer();
        List<Buffer> events = splitter.feed(chunk);
        if (splitter.overflowed()) return fail(Buffer.buffer(), MALFORMED_TYPE, "The upstream sent a stream event larger than " + MAX_EVENT_BYTES + " bytes.");
        if (events.isEmpty()) return Buffer.buffer();
        Buffer out = events.size() == 1 ? null : Buffer.buffer(chunk.length() + 16);
        for (Buffer event : events) {
            String data = SseSplitter.data(event);
            if (data != null && !data.isEmpty()) {
                if ("[DONE]".equals(data)) {
                    done = true;
                } else if (!isJsonObject(data)) {
                    return fail(out == null ? Buffer.buffer() : out, MALFORMED_TYPE, MALFORMED_MESSAGE);
                } else if (data.startsWith("{\"error\"")) {
                    failed = true; // the provider's own error event: it reaches the client as it is, and the stream ends there
                }
            }
            if (out == null) return event;
            out.appendBuffer(event);
            if (failed || done) break;
        }
        return out;
    }

    @Override
    public Buffer end() {
        if (failed || done) return Buffer.buffer();
        return fail(Buffer.buffer(), CUT_TYPE, CUT_MESSAGE); // an incomplete last event is no event (the SSE rule)
    }

    @Override
    public boolean failed() {
        return failed;
    }

    private Buffer fail(Buffer out, String type, String message) {
        failed = true;
        return out.appendBuffer(errorEvent(type, message));
    }

    /** An OpenAI-style stream error event: what the OpenAI SDKs raise as an API error. */
    static Buffer errorEvent(String type, String message) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.putObject("error").put("message", message).put("type", type).putNull("code");
        return Buffer.buffer("data: " + e + "\n\n");
    }

    /** One JSON object and nothing after it, without building a tree. */
    private static boolean isJsonObject(String data) {
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return false;
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
