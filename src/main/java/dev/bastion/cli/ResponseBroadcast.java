package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.respond.RedisResponseChannel;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.ResponseAction;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes what a command made or lifted on the response channel ({@code bastion:responses}), so running nodes
 * apply it at once where the config names Redis; without Redis (or when Redis fails) they read it from the store
 * at their next poll.
 */
final class ResponseBroadcast {
    private ResponseBroadcast() {}

    static void publish(BastionConfig config, List<ResponseAction> actions) {
        if (config.redis() == null || actions.isEmpty()) return;
        Vertx vertx = Vertx.vertx();
        io.vertx.redis.client.Redis client = dev.bastion.state.RedisClients.create(vertx, config.redis(), new SecretResolver());
        try (RedisResponseChannel channel = new RedisResponseChannel(vertx, client, null)) {
            for (ResponseAction a : actions) channel.publish(a).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("bastion: Redis broadcast failed; nodes will learn it at their next store poll");
        } finally {
            client.close();
            GatewayRunner.await(vertx.close());
        }
    }
}
