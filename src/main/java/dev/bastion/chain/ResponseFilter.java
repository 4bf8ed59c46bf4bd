package dev.bastion.chain;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Sees (and may change) an upstream response on its way to the client, chunk by chunk — for
 * streamed bodies as they arrive. Registered per exchange by a control ({@link Exchange#addResponseFilter}).
 * Filters run on the event loop: no blocking.
 */
public interface ResponseFilter {
    /**
     * The upstream's status and headers, before anything is sent; headers may be changed. A filter that
     * may change the body's length removes {@code Content-Length} here (the response is then chunked).
     */
    default void onHeaders(int status, MultiMap headers) {}

    /** A body chunk; returns what to send in its place (the same buffer, a changed one, or an empty one). */
    default Buffer onChunk(Buffer chunk) {
        return chunk;
    }

    /** The upstream body ended; returns anything still to send, or null. */
    default Buffer onEnd() {
        return null;
    }

    /**
     * Whether this filter reads the body's content (a meter, a guardrail): the upstream is then asked for an
     * uncompressed answer, since a compressed one cannot be read. A filter that only passes bytes on (a
     * capture for replay) returns false, and the client's own {@code Accept-Encoding} goes upstream.
     */
    default boolean readsBody() {
        return true;
    }

    /** The exchange ended without a complete body (stream cut, client gone, upstream error). */
    default void onAbort() {}

    /**
     * True once this filter has ended the body itself (a guardrail stopped a stream): what it returned
     * last was the final content. The flow then stops the upstream, ends the outer filters and the
     * response — or, with a {@link #refusal()} and nothing sent yet, answers with that error instead.
     */
    default boolean cut() {
        return false;
    }

    /**
     * An error to answer with instead of the response: possible only while nothing has been sent (a
     * filter holding the whole body). Looked at when this filter {@link #cut() cut} the body, and after
     * its {@link #onEnd()}.
     */
    default Verdict.Deny refusal() {
        return null;
    }
}
