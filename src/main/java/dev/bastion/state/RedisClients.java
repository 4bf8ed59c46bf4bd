package dev.bastion.state;

import dev.bastion.config.RedisConfig;
import dev.bastion.secrets.SecretResolver;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The one Redis client a process uses for shared state (limits, budgets, idempotency, revocation
 * broadcast, shared breakers). Connections fail fast (1 s) so an unreachable Redis is noticed by the callers' own
 * timeouts and failure modes rather than by a minute-long TCP connect; commands are pipelined over a
 * small pool, which is what keeps a limit decision at one round trip under load.
 */
public final class RedisClients {
    private RedisClients() {}

    public static Redis create(Vertx vertx, RedisConfig config, SecretResolver secrets) {
        RedisOptions options = new RedisOptions()
                .setConnectionString(config.url().toString())
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true).setTcpKeepAlive(true))
                .setMaxPoolSize(8).setMaxPoolWaiting(8192).setPoolRecycleTimeout(60_000)
                .setMaxWaitingHandlers(8192);
        if (config.password() != null) options.setPassword(secrets.resolve(config.password(), "redis.password").reveal());
        return Redis.createClient(vertx, options);
    }
}
