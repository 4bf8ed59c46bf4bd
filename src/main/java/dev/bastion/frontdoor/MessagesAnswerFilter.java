package dev.bastion.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The answer on its way out of a Messages route: the normalised answer (OpenAI's format, as every other
 * response filter read and changed it) in Anthropic's. The outermost filter but an idempotency capture, so
 * the client — and a replay — get exactly what it wrote. An event stream is translated event by event
 * ({@link MessagesStream}); a whole answer or error is held to its end and translated once.
 */
final class MessagesAnswerFilter implements ResponseFilter {
    /** A whole answer larger than this is not a message: refused rather than held. */
    static final int MAX_WHOLE_BYTES = 32 * 1024 * 1024;

    private final String requestId;
    private MessagesStream stream;
    private Buffer whole;
    private int status;
    private Verdict.Deny refusal;

    MessagesAnswerFilter(String requestId) {
        this.requestId = requestId;
    }

    @Override
    public void onHeaders(int status, MultiMap headers) {
        this.status = status;
        String type = headers.get("Content-Type");
        headers.remove("Content-Length"); // the translation changes the length
        if (status / 100 == 2 && type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
            stream = new MessagesStream(requestId);
        } else {
            whole = Buffer.buffer();
            headers.set("Content-Type", "application/json");
        }
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        if (stream != null) return stream.feed(chunk);
        if (refusal != null) return Buffer.buffer();
        if (whole.length() + chunk.length() > MAX_WHOLE_BYTES) {
            refusal = new Verdict.Deny(502, "upstream_answer_too_large", "The upstream's answer was too large to translate.");
        } else {
            whole.appendBuffer(chunk);
        }
        return Buffer.buffer();
    }

    @Override
    public Buffer onEnd() {
        if (stream != null) return stream.end();
        if (refusal != null) return null;
        JsonNode body = parse(whole);
        if (status / 100 != 2) return Buffer.buffer(MessagesAnswer.error(status, body, requestId).toString());
        try {
            return Buffer.buffer(MessagesAnswer.message(body).toString());
        } catch (MessagesAnswer.Unreadable e) {
            refusal = new Verdict.Deny(502, "upstream_invalid_answer", "The upstream's answer could not be read as a message.");
            return null;
        }
    }

    @Override
    public boolean cut() {
        return refusal != null && stream == null;
    }

    @Override
    public Verdict.Deny refusal() {
        return refusal;
    }

    private static JsonNode parse(Buffer body) {
        if (body.length() == 0) return null;
        try {
            return MessagesAnswer.JSON.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
