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
        NetClientOptions net = new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true).setTcpKeepAlive(true);
        if ("rediss".equals(config.url().getScheme())) {
            // TLS with the server's certificate and host name verified, against the given CA or the system's trust store.
            net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            if (config.caFile() != null) net.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(config.caFile().toString()));
        }
        RedisOptions options = new RedisOptions()
                .setConnectionString(config.url().toString())
                .setNetClientOptions(net)
                .setMaxPoolSize(8).setMaxPoolWaiting(8192).setPoolRecycleTimeout(60_000)
                .setMaxWaitingHandlers(8192);
        if (config.password() != null) options.setPassword(secrets.resolve(config.password(), "redis.password").reveal());
        return Redis.createClient(vertx, options);
    }
}
