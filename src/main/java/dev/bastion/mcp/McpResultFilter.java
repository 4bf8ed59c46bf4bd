package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import dev.bastion.llm.SseSplitter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/**
 * Passes a call's result messages through the policy's {@link McpPolicy.ResultInspector}: each event of a
 * {@code text/event-stream} answer as soon as it is whole (only an incomplete event is held back, so a stream still
 * reaches the client event by event), or a JSON answer once it is whole. A message the inspector replaces is sent
 * as one {@code message} event (or as the JSON body); the others go out byte for byte. Whatever cannot be inspected is
 * withheld rather than passed unseen — the server is who a result guardrail guards against: an answer in another
 * format, a JSON answer that does not parse or is larger than {@link McpUpstream#MAX_ANSWER} (502
 * {@code mcp_result_uninspectable}), and in a stream an event whose data is not JSON, an event longer than that limit
 * (with everything after it), or a last event the stream ended without finishing but could not be read (each replaced
 * by an error event).
 */
final class McpResultFilter implements ResponseFilter {
    private static final Verdict.Deny UNINSPECTABLE = new Verdict.Deny(502, "mcp_result_uninspectable",
            "The MCP server answered in a format that cannot be inspected; the result was withheld.");
    private static final String WITHHELD = "The MCP server's result could not be inspected; it was withheld.";
    private final McpPolicy.ResultInspector inspector;
    private final String requestId;
    private SseSplitter events;
    private boolean streamWithheld;
    private Buffer whole;
    private boolean uninspectable;
    private boolean other;
    private long otherBytes;

    /** @param requestId the exchange's, for the error that stands in for a withheld event */
    McpResultFilter(McpPolicy.ResultInspector inspector, String requestId) {
        this.inspector = inspector;
        this.requestId = requestId;
    }

    @Override
    public void onHeaders(int status, MultiMap headers) {
        String type = headers.get("Content-Type");
        if (type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17)) events = new SseSplitter(McpUpstream.MAX_ANSWER);
        else if (type != null && type.regionMatches(true, 0, "application/json", 0, 16)) whole = Buffer.buffer();
        else other = true; // held back: refused at the end if it had a body
        headers.remove("Content-Length"); // an inspected message may change length
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        if (events != null) {
            if (streamWithheld) return Buffer.buffer();
            List<Buffer> done = events.feed(chunk);
            if (events.overflowed()) { // an event past the limit cannot be held to be read: it and the rest are withheld
                streamWithheld = true;
                return withheldEvent();
            }
            Buffer out = Buffer.buffer();
            for (Buffer e : done) out.appendBuffer(inspectEvent(e));
            return out;
        }
        if (whole != null) {
            if (!uninspectable) whole.appendBuffer(chunk);
            if (whole.length() > McpUpstream.MAX_ANSWER) { // too large to hold and read: refused at the end, nothing sent
                uninspectable = true;
                whole = Buffer.buffer();
            }
            return Buffer.buffer();
        }
        if (other) {
            otherBytes += chunk.length();
            return Buffer.buffer();
        }
        return chunk;
    }

    @Override
    public Verdict.Deny refusal() {
        return (other && otherBytes > 0) || uninspectable ? UNINSPECTABLE : null;
    }

    @Override
    public Buffer onEnd() {
        if (events != null) {
            if (streamWithheld) return null;
            Buffer rest = events.rest(); // a last event the stream ended without finishing is a result too
            return rest == null || rest.length() == 0 ? rest : inspectEvent(rest);
        }
        if (whole == null || uninspectable) return null;
        JsonNode msg = parse(whole);
        if (msg == null) {
            uninspectable = true;
            return null;
        }
        JsonNode out = inspector.inspect(msg);
        return out == msg ? whole : Buffer.buffer(out.toString());
    }

    private Buffer inspectEvent(Buffer event) {
        String data = SseSplitter.data(event);
        if (data == null || data.isBlank()) return event; // no data: a comment, an id, a retry line, a priming event
        JsonNode msg = parse(Buffer.buffer(data));
        if (msg == null) return withheldEvent();
        JsonNode out = inspector.inspect(msg);
        return out == msg ? event : Buffer.buffer("event: message\ndata: " + out + "\n\n");
    }

    private Buffer withheldEvent() {
        return Buffer.buffer(McpErrors.FORMAT.streamEvent(UNINSPECTABLE.reason(), WITHHELD, requestId));
    }

    private static JsonNode parse(Buffer b) {
        try {
            return McpMessage.MAPPER.readTree(b.getBytes());
        } catch (IOException e) {
            return null;
        }
    }
}
