package dev.bastion.server;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The client's side of one exchange, as the chain runner and the response relay see it: reading the
 * request body and writing the response. {@link HttpAdapter} implements it over Vert.x; nothing else in
 * the request path touches the HTTP server's types.
 */
interface ClientChannel {
    /** Why the body could not be read: answered with this status and code. */
    final class BodyRefused extends RuntimeException {
        final int status;
        final String reason;

        BodyRefused(int status, String reason, String message) {
            super(message, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    /**
     * Reads the whole body, at most {@code maxBytes} within {@code timeoutMillis} (sending {@code 100 Continue}
     * first when the client waits for it). Completes with null when there is none; fails with
     * {@link BodyRefused} (413, 408, 400) or, when the client left, with another exception.
     */
    Future<Buffer> readBody(long maxBytes, long timeoutMillis);

    /** The response's headers, to fill before {@link #respond} or {@link #startStream}. */
    MultiMap responseHeaders();

    /**
     * Sends a whole response. With {@code close} the connection ends after it — after a short lingering
     * read when the client is still sending, so it reads the answer instead of a reset.
     */
    void respond(int status, Buffer body, boolean close);

    /**
     * Sets the status of a streamed response; its head goes out with the first {@link #write} (until then
     * an error may still replace it). Chunked unless bodyless or a Content-Length is set.
     */
    void startStream(int status, boolean bodyless);

    void write(Buffer chunk);

    /** Whether the client is slower than the data: the writer should pause until {@link #onDrain}. */
    boolean writeQueueFull();

    void onDrain(Runnable resume);

    /**
     * Ends a streamed response with its last bytes (or none), in one write. When nothing was sent yet (a
     * filter held the whole answer) the response goes out whole, with a {@code Content-Length}.
     */
    void endStream(Buffer last);

    /** Closes the connection now: a response that cannot be completed must not look complete. */
    void cut();

    /** Whether the status line has been sent (an error can no longer replace the response). */
    boolean headWritten();

    /** Runs once when the client disconnects before the response has ended. */
    void onGone(Runnable gone);

    /**
     * Runs once when the HTTP decoder refuses what followed the headers (a chunk line it cannot parse): the
     * connection closes as soon as this returns, so an answer must be written from it or never.
     */
    void onMalformed(Runnable malformed);

    /** Runs once when the response has ended or the connection closed, whichever comes first. */
    void onDone(Runnable done);
}
