package dev.bastion.respond;

import dev.bastion.state.RedisSubscription;
import dev.bastion.store.ResponseAction;
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
 * Actions made and lifted, broadcast over Redis pub/sub (as revocations are: {@code RedisRevocationChannel}),
 * so every node applies a block, a suspension or a lift as soon as any node or the CLI makes it. The
 * subscription reconnects by itself; meanwhile the store poll delivers within its interval. Messages carry
 * ids, addresses and times only.
 */
public final class RedisResponseChannel implements Consumer<ResponseAction>, AutoCloseable {
    static final String CHANNEL = "bastion:responses";
    private static final Logger log = LoggerFactory.getLogger(RedisResponseChannel.class);

    private final Redis redis;
    private final Consumer<ResponseAction> onMessage;
    private final RedisSubscription subscription;

    /** @param onMessage applies actions published by others (and echoes of our own, harmlessly); null to only publish */
    public RedisResponseChannel(Vertx vertx, Redis redis, Consumer<ResponseAction> onMessage) {
        this.redis = redis;
        this.onMessage = onMessage;
        this.subscription = onMessage == null ? null
                : new RedisSubscription(vertx, redis, CHANNEL, this::message, log, "responses subscription", "actions arrive by the store poll");
    }

    public Future<Void> start() {
        return subscription == null ? Future.succeededFuture() : subscription.start();
    }

    private void message(Response payload) {
        try {
            onMessage.accept(decode(new JsonObject(payload.toString())));
        } catch (RuntimeException e) {
            log.warn("ignored a malformed response-action message");
        }
    }

    static JsonObject encode(ResponseAction a) {
        return new JsonObject().put("id", a.id()).put("rule", a.rule()).put("action", a.action()).put("subject", a.subject()).put("org", a.orgId())
                .put("node", a.node()).put("created", a.createdAt().toEpochMilli()).put("expires", a.expiresAt().toEpochMilli())
                .put("lifted", a.liftedAt() == null ? null : a.liftedAt().toEpochMilli()).put("lifted_by", a.liftedBy()).put("reason", a.reason());
    }

    static ResponseAction decode(JsonObject m) {
        Long lifted = m.getLong("lifted");
        return new ResponseAction(m.getString("id"), m.getString("rule"), m.getString("action"), m.getString("subject"), m.getString("org"),
                m.getString("node"), Instant.ofEpochMilli(m.getLong("created")), Instant.ofEpochMilli(m.getLong("expires")),
                lifted == null ? null : Instant.ofEpochMilli(lifted), m.getString("lifted_by"), m.getString("reason"));
    }

    /** Publishes (fire and forget: the store poll is the fallback). */
    @Override
    public void accept(ResponseAction a) {
        publish(a);
    }

    public Future<Void> publish(ResponseAction a) {
        return redis.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(encode(a).encode())).<Void>mapEmpty()
                .onFailure(t -> log.warn("response broadcast failed (nodes will learn it from the store): {}", t.getClass().getSimpleName()));
    }

    @Override
    public void close() {
        if (subscription != null) subscription.close();
    }
}
