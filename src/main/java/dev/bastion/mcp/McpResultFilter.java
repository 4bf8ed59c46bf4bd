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
 * as one {@code message} event (or as the JSON body); the others go out byte for byte. An answer in any other
 * format cannot be inspected, so it is withheld (502 {@code mcp_result_uninspectable}) rather than passed unseen.
 */
final class McpResultFilter implements ResponseFilter {
    private static final Verdict.Deny UNINSPECTABLE = new Verdict.Deny(502, "mcp_result_uninspectable",
            "The MCP server answered in a format that cannot be inspected; the result was withheld.");
    private final McpPolicy.ResultInspector inspector;
    private SseSplitter events;
    private Buffer whole;
    private boolean tooLarge;
    private boolean other;
    private long otherBytes;

    McpResultFilter(McpPolicy.ResultInspector inspector) {
        this.inspector = inspector;
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
            List<Buffer> done = events.feed(chunk);
            if (events.overflowed()) return Buffer.buffer().appendBuffer(join(done)); // past the limit: passed as it is
            Buffer out = Buffer.buffer();
            for (Buffer e : done) out.appendBuffer(inspectEvent(e));
            return out;
        }
        if (whole != null && !tooLarge) {
            whole.appendBuffer(chunk);
            if (whole.length() > McpUpstream.MAX_ANSWER) tooLarge = true;
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
        return other && otherBytes > 0 ? UNINSPECTABLE : null;
    }

    @Override
    public Buffer onEnd() {
        if (events != null) return events.rest();
        if (whole == null) return null;
        if (tooLarge) return whole; // not read: too large to hold; passes as it came
        JsonNode msg = parse(whole);
        if (msg == null) return whole;
        JsonNode out = inspector.inspect(msg);
        return out == msg ? whole : Buffer.buffer(out.toString());
    }

    private Buffer inspectEvent(Buffer event) {
        String data = SseSplitter.data(event);
        JsonNode msg = data == null ? null : parse(Buffer.buffer(data));
        if (msg == null) return event;
        JsonNode out = inspector.inspect(msg);
        return out == msg ? event : Buffer.buffer("event: message\ndata: " + out + "\n\n");
    }

    private static Buffer join(List<Buffer> parts) {
        Buffer b = Buffer.buffer();
        parts.forEach(b::appendBuffer);
        return b;
    }

    private static JsonNode parse(Buffer b) {
        try {
            return McpMessage.MAPPER.readTree(b.getBytes());
        } catch (IOException e) {
            return null;
        }
    }
}
