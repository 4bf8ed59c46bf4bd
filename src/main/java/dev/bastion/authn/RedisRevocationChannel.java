package dev.bastion.authn;

import dev.bastion.state.PubSub;
import dev.bastion.store.Revocation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocations broadcast over Redis pub/sub (A8, L5 groundwork), so every node applies a revocation as
 * soon as any node or the CLI makes it. The subscription reconnects by itself; while Redis is down the
 * store poll still delivers revocations within its interval. Messages carry only ids, never secrets.
 */
public final class RedisRevocationChannel implements Consumer<Revocation>, AutoCloseable {
    static final String CHANNEL = "bastion:revocations";
    private static final long RETRY_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(RedisRevocationChannel.class);

    private final Vertx vertx;
    private final Redis redis;
    private final Consumer<Revocation> onMessage;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final AtomicBoolean resubscribing = new AtomicBoolean();
    private volatile RedisConnection subscription;
    private volatile boolean closed;

    /**
     * @param onMessage applies revocations published by others (and echoes of our own, harmlessly); null to only publish
     */
    public RedisRevocationChannel(Vertx vertx, Redis redis, Consumer<Revocation> onMessage) {
        this.vertx = vertx;
        this.redis = redis;
        this.onMessage = onMessage;
    }

    /** Subscribes (when there is a listener). The future completes once Redis confirms, or fails if it is unreachable or refuses now (it keeps trying). */
    public Future<Void> start() {
        return onMessage == null ? Future.succeededFuture() : subscribe();
    }

    private Future<Void> subscribe() {
        return redis.connect().compose(conn -> {
            subscription = conn;
            conn.exceptionHandler(this::reportUnreachable);
            // A connection whose SUBSCRIBE failed or was refused is not used again: closed, not leaked (and its
            // end, which that closing causes, is no outage of its own: the failure below is reported instead).
            return PubSub.subscribe(conn, CHANNEL, this::message, v -> {
                if (subscription != conn) return; // an earlier connection, already replaced or closed here
                reportUnreachable(null);
                resubscribeLater();
            }).onFailure(t -> {
                subscription = null;
                conn.close();
            });
        }).onSuccess(v -> reachable()).onFailure(t -> {
            reportUnreachable(t);
            resubscribeLater();
        });
    }

    /** One retry at a time, however many ways the last attempt reported its failure (its end, its failed SUBSCRIBE). */
    private void resubscribeLater() {
        if (closed || !resubscribing.compareAndSet(false, true)) return;
        vertx.setTimer(RETRY_MILLIS, t -> {
            resubscribing.set(false);
            if (!closed) subscribe();
        });
    }

    private void reachable() {
        if (unreachable.compareAndSet(true, false)) log.info("revocation subscription: Redis answers again; subscribed");
    }

    /** Logged once per outage or refusal, not at every retry. */
    private void reportUnreachable(Throwable t) {
        if (closed || !unreachable.compareAndSet(false, true)) return;
        log.warn("revocation subscription: Redis {}; revocations arrive by the store poll until subscribed again, retrying", PubSub.problem(t));
    }

    private void message(Response payload) {
        try {
            JsonObject m = new JsonObject(payload.toString());
            onMessage.accept(new Revocation(m.getString("id"), Revocation.Kind.fromWire(m.getString("kind")), m.getString("subject"),
                    m.getString("org"), Instant.ofEpochMilli(m.getLong("created")), m.getLong("expires") == null ? null : Instant.ofEpochMilli(m.getLong("expires"))));
        } catch (RuntimeException e) {
            log.warn("ignored a malformed revocation message");
        }
    }

    /** Publishes (fire and forget: the store poll is the fallback if this does not arrive). */
    @Override
    public void accept(Revocation r) {
        publish(r);
    }

    public Future<Void> publish(Revocation r) {
        JsonObject m = new JsonObject().put("id", r.id()).put("kind", r.kind().wire()).put("subject", r.subject()).put("org", r.orgId())
                .put("created", r.createdAt().toEpochMilli()).put("expires", r.expiresAt() == null ? null : r.expiresAt().toEpochMilli());
        return redis.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(m.encode())).<Void>mapEmpty()
                .onFailure(t -> log.warn("revocation broadcast failed (nodes will learn it from the store): {}", t.getMessage()));
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = subscription;
        if (c != null) c.close(); // the client itself belongs to whoever made it
    }
}
