package dev.bastion.config;

import java.net.URI;

/**
 * Shared state for many Bastion instances: limits, budgets and idempotency (see {@code limits.backend});
 * revocations broadcast over pub/sub so every node refuses a revoked credential at once (without Redis,
 * nodes learn them from the store); and model deployments' circuit breakers, so one that opens on one
 * node opens on all (without Redis, each node's breakers are its own).
 *
 * @param url      {@code redis://host:port[/db]}
 * @param password a secret reference, when the server requires AUTH
 */
public record RedisConfig(URI url, SecretRef password) {
    public RedisConfig {
        if (url == null) throw new IllegalArgumentException("url: missing (expected: redis://host:port)");
        if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) throw new IllegalArgumentException("url: scheme must be redis or rediss");
        if (url.getRawUserInfo() != null) throw new IllegalArgumentException("url: credentials in the URL are refused (use password: env:NAME)");
    }
}
