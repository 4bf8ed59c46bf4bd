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
 */
public record UpstreamResponse(int status, MultiMap headers, ReadStream<Buffer> body, Runnable stop, long idleTimeoutMillis)
        implements UpstreamResult {
    /** Stops the upstream exchange: the upstream stops generating, and billing. */
    public void abort() {
        stop.run();
    }
}
