package dev.bastion.state;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * A lasting subscription to one Redis pub/sub channel, for the broadcasts every node applies (revocations,
 * automatic responses): subscribes on a dedicated connection, subscribes again a second after the connection
 * ends or Redis refuses, one retry at a time, and says so on its owner's logger once per outage (or refusal)
 * and once at its recovery — not at every retry.
 */
public final class RedisSubscription implements AutoCloseable {
    private static final long RETRY_MILLIS = 1000;

    private final Vertx vertx;
    private final Redis redis;
    private final String channel;
    private final Handler<io.vertx.redis.client.Response> onMessage;
    private final Logger log;
    private final String what, meanwhile;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final AtomicBoolean resubscribing = new AtomicBoolean();
    private volatile RedisConnection subscription;
    private volatile boolean closed;

    /**
     * @param what      the subscription's name in log lines ({@code revocation subscription})
     * @param meanwhile what happens while it is down ({@code revocations arrive by the store poll})
     */
    public RedisSubscription(Vertx vertx, Redis redis, String channel, Handler<io.vertx.redis.client.Response> onMessage, Logger log, String what,
                             String meanwhile) {
        this.vertx = vertx;
        this.redis = redis;
        this.channel = channel;
        this.onMessage = onMessage;
        this.log = log;
        this.what = what;
        this.meanwhile = meanwhile;
    }

    /** Completes once Redis confirms, or fails if it is unreachable or refuses now (it keeps trying either way). */
    public Future<Void> start() {
        return redis.connect().compose(conn -> {
            subscription = conn;
            conn.exceptionHandler(this::reportUnreachable);
            // A connection whose SUBSCRIBE failed or was refused is not used again: closed, not leaked (and its
            // end, which that closing causes, is no outage of its own: the failure below is reported instead).
            return PubSub.subscribe(conn, channel, onMessage, v -> {
                if (subscription != conn) return; // an earlier connection, already replaced or closed here
                reportUnreachable(null);
                resubscribeLater();
            }).onFailure(t -> {
                subscription = null;
                conn.close();
            });
        }).onSuccess(v -> {
            if (unreachable.compareAndSet(true, false)) log.info("{}: Redis answers again; subscribed", what);
        }).onFailure(t -> {
            reportUnreachable(t);
            resubscribeLater();
        });
    }

    /** One retry at a time, however many ways the last attempt reported its failure (its end, its failed SUBSCRIBE). */
    private void resubscribeLater() {
        if (closed || !resubscribing.compareAndSet(false, true)) return;
        vertx.setTimer(RETRY_MILLIS, t -> {
            resubscribing.set(false);
            if (!closed) start();
        });
    }

    private void reportUnreachable(Throwable t) {
        if (closed || !unreachable.compareAndSet(false, true)) return;
        log.warn("{}: Redis {}; {} until subscribed again, retrying", what, PubSub.problem(t), meanwhile);
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = subscription;
        if (c != null) c.close(); // the client itself belongs to whoever made it
    }
}
