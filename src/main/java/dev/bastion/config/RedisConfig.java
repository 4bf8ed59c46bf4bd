package dev.bastion.config;

import java.net.URI;

/**
 * Shared state for many Bastion instances: limits, budgets and idempotency (see {@code limits.backend});
 * revocations broadcast over pub/sub so every node refuses a revoked credential at once (without Redis,
 * nodes learn them from the store); and model deployments' circuit breakers, so one that opens on one
 * node opens on all (without Redis, each node's breakers are its own).
 *
 * @param url      {@code redis://host:port[/db]}, or {@code rediss://} for TLS (the server's certificate and name verified)
 * @param password a secret reference, when the server requires AUTH
 * @param caFile   PEM file of the CA that signed the server's certificate, when the system's trust store does not hold it
 * @param insecureTransport in {@code environment: prod}, waive the rule that Redis is reached over TLS with AUTH;
 *                 default false. The waiver is logged at start as a posture finding
 */
public record RedisConfig(URI url, SecretRef password, java.nio.file.Path caFile, Boolean insecureTransport) {
    public RedisConfig {
        if (url == null) throw new IllegalArgumentException("url: missing (expected: redis://host:port)");
        if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) throw new IllegalArgumentException("url: scheme must be redis or rediss");
        if (url.getRawUserInfo() != null) throw new IllegalArgumentException("url: credentials in the URL are refused (use password: env:NAME)");
        if (caFile != null && !"rediss".equals(url.getScheme())) throw new IllegalArgumentException("ca_file: only meaningful with a rediss:// url");
        insecureTransport = insecureTransport != null && insecureTransport;
    }
}
