package dev.bastion.authn;

import dev.bastion.state.RedisSubscription;
import dev.bastion.store.Revocation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
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
    private static final Logger log = LoggerFactory.getLogger(RedisRevocationChannel.class);

    private final Redis redis;
    private final Consumer<Revocation> onMessage;
    private final RedisSubscription subscription;

    /**
     * @param onMessage applies revocations published by others (and echoes of our own, harmlessly); null to only publish
     */
    public RedisRevocationChannel(Vertx vertx, Redis redis, Consumer<Revocation> onMessage) {
        this.redis = redis;
        this.onMessage = onMessage;
        this.subscription = onMessage == null ? null
                : new RedisSubscription(vertx, redis, CHANNEL, this::message, log, "revocation subscription", "revocations arrive by the store poll");
    }

    /** Subscribes (when there is a listener). The future completes once Redis confirms, or fails if it is unreachable or refuses now (it keeps trying). */
    public Future<Void> start() {
        return subscription == null ? Future.succeededFuture() : subscription.start();
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
        if (subscription != null) subscription.close();
    }
}
