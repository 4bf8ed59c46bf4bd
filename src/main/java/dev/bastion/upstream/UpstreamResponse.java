package dev.bastion.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upstream's response whose headers have arrived and whose body is still to be streamed, paused.
 * The caller must consume {@link #body()} or {@link #abort()} it.
 *
 * @param headers           already filtered for the client (no hop-by-hop headers, no banners)
 * @param stop              closes the upstream connection (see {@link #abort()})
 * @param idleTimeoutMillis the longest pause allowed between two chunks of the body
 * @param deadlineNanos     when the whole answer must have arrived ({@link System#nanoTime()} scale; the upstream's {@code total_timeout})
 */
public record UpstreamResponse(int status, MultiMap headers, ReadStream<Buffer> body, Runnable stop, long idleTimeoutMillis, long deadlineNanos)
        implements UpstreamResult {
    /** The same response with its body read through {@code other} (translated, or partly read ahead). */
    public UpstreamResponse withBody(ReadStream<Buffer> other) {
        return new UpstreamResponse(status, headers, other, stop, idleTimeoutMillis, deadlineNanos);
    }

    /** Stops the upstream exchange: the upstream stops generating, and billing. */
    public void abort() {
        stop.run();
    }
}
