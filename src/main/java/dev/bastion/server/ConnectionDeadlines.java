package dev.bastion.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Closes connections that hold a slot without sending a request (E4). A new connection must deliver
 * complete request headers within {@code headerTimeout} (slowloris); after a response, a keep-alive
 * connection may stay idle for {@code idleTimeout}. While a request is in flight the body timeout and
 * upstream timeouts apply instead, so a long model response is never cut by an idle timer.
 * <p>
 * Deadlines are plain fields checked by one periodic sweep per event loop, not a timer per request:
 * arming and disarming happen on every request, so they must cost two field writes, not a scheduler
 * insert and cancel. One instance per event loop (verticle): no locking.
 */
final class ConnectionDeadlines {
    private static final long NONE = Long.MAX_VALUE;

    private final Vertx vertx;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Map<HttpConnection, long[]> deadlines = new HashMap<>();
    private final long sweepTimer;

    ConnectionDeadlines(Vertx vertx, long headerTimeoutMs, long idleTimeoutMs) {
        this.vertx = vertx;
        this.headerTimeoutNanos = headerTimeoutMs * 1_000_000;
        this.idleTimeoutNanos = idleTimeoutMs * 1_000_000;
        // Sweep often enough that a deadline is enforced within a quarter of the shorter timeout.
        long period = Math.max(20, Math.min(1000, Math.min(headerTimeoutMs, idleTimeoutMs) / 4));
        this.sweepTimer = vertx.setPeriodic(period, t -> sweep());
    }

    void opened(HttpConnection connection) {
        // [0] the deadline, [1] requests in flight: an HTTP/2 connection carries several at once
        deadlines.put(connection, new long[] {System.nanoTime() + headerTimeoutNanos, 0});
        connection.closeHandler(v -> deadlines.remove(connection));
    }

    void requestStarted(HttpConnection connection) {
        long[] d = deadlines.get(connection);
        if (d == null) return;
        d[0] = NONE;
        d[1]++;
    }

    void requestFinished(HttpConnection connection) {
        long[] d = deadlines.get(connection);
        if (d == null) return;
        // idle only once its last stream ended: one finished stream must not start the clock on another's long answer
        if (d[1] > 0) d[1]--;
        if (d[1] == 0) d[0] = System.nanoTime() + idleTimeoutNanos;
    }

    int tracked() {
        return deadlines.size();
    }

    private void sweep() {
        if (deadlines.isEmpty()) return;
        long now = System.nanoTime();
        List<HttpConnection> expired = null;
        for (Map.Entry<HttpConnection, long[]> e : deadlines.entrySet()) {
            long d = e.getValue()[0];
            if (d != NONE && now - d > 0) {
                if (expired == null) expired = new ArrayList<>();
                expired.add(e.getKey());
            }
        }
        if (expired == null) return;
        for (HttpConnection c : expired) {
            deadlines.remove(c);
            c.close();
        }
    }

    void stop() {
        vertx.cancelTimer(sweepTimer);
    }
}
