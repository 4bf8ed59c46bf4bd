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

    /** The exchange ended without a complete body (stream cut, client gone, upstream error). */
    default void onAbort() {}
}
