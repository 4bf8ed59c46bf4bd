package dev.bastion.approval;

import dev.bastion.state.RedisSubscription;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approval decisions over Redis pub/sub: the node that decided publishes {@code {id, state}}, the node holding the
 * call resumes it at once instead of at its next poll. Only a hint — the store's row is the decision, and the poll
 * still finds it when a message is lost.
 */
public final class ApprovalChannel implements AutoCloseable {
    static final String CHANNEL = "bastion:mcp-approvals";
    private static final Logger log = LoggerFactory.getLogger(ApprovalChannel.class);
    private final Redis redis;
    private final RedisSubscription subscription;
    private volatile BiConsumer<String, String> onDecision = (id, state) -> { };

    public ApprovalChannel(Vertx vertx, Redis redis) {
        this.redis = redis;
        this.subscription = new RedisSubscription(vertx, redis, CHANNEL, this::message, log, "approvals subscription", "decisions arrive by the store poll");
    }

    public Future<Void> start() {
        return subscription.start();
    }

    void onDecision(BiConsumer<String, String> handler) {
        this.onDecision = handler;
    }

    void publish(String id, String state) {
        redis.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(new JsonObject().put("id", id).put("state", state).encode()))
                .onFailure(t -> log.warn("approval broadcast failed (the holding node polls the store): {}", t.getClass().getSimpleName()));
    }

    private void message(Response payload) {
        try {
            JsonObject m = new JsonObject(payload.toString());
            String id = m.getString("id"), state = m.getString("state");
            if ("approved".equals(state) || "denied".equals(state)) onDecision.accept(id, state);
        } catch (RuntimeException e) {
            log.warn("ignored a malformed approval message");
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
