package dev.bastion.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Closes a connection whose request body was not read, after reading and discarding what the client is
 * still sending for a little while. Closing a socket with unread input makes the kernel send a reset,
 * which can destroy the error response before the client reads it; a client mid-upload would then see
 * "connection reset" instead of its 413.
 */
final class LingeringClose {
    static final long LINGER_MILLIS = 2_000;
    static final long LINGER_BYTES = 8L * 1024 * 1024;

    private LingeringClose() {}

    static void start(Vertx vertx, HttpServerRequest req) {
        long[] discarded = {0};
        long timer = vertx.setTimer(LINGER_MILLIS, t -> req.connection().close());
        Runnable close = () -> {
            vertx.cancelTimer(timer);
            req.connection().close();
        };
        req.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > LINGER_BYTES) close.run();
        });
        req.endHandler(v -> close.run());
        req.exceptionHandler(t -> close.run());
        req.resume();
    }
}
