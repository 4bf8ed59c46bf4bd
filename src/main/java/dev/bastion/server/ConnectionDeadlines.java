package dev.bastion.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes connections that hold a slot without sending a request (E4). A new connection must deliver
 * complete request headers within {@code headerTimeout} (slowloris); after a response, a keep-alive
 * connection may stay idle for {@code idleTimeout}. While a request is in flight the body timeout and
 * upstream timeouts apply instead, so a long model response is never cut by an idle timer.
 * One instance per event loop (verticle): no locking.
 */
final class ConnectionDeadlines {
    private final Vertx vertx;
    private final long headerTimeoutMs;
    private final long idleTimeoutMs;
    private final Map<HttpConnection, Long> timers = new HashMap<>();

    ConnectionDeadlines(Vertx vertx, long headerTimeoutMs, long idleTimeoutMs) {
        this.vertx = vertx;
        this.headerTimeoutMs = headerTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    void opened(HttpConnection connection) {
        connection.closeHandler(v -> cancel(connection));
        arm(connection, headerTimeoutMs);
    }

    void requestStarted(HttpConnection connection) {
        cancel(connection);
    }

    void requestFinished(HttpConnection connection) {
        arm(connection, idleTimeoutMs);
    }

    int tracked() {
        return timers.size();
    }

    private void arm(HttpConnection connection, long ms) {
        cancel(connection);
        long id = vertx.setTimer(ms, t -> {
            timers.remove(connection);
            connection.close();
        });
        timers.put(connection, id);
    }

    private void cancel(HttpConnection connection) {
        Long id = timers.remove(connection);
        if (id != null) vertx.cancelTimer(id);
    }
}
