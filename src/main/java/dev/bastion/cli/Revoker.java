package dev.bastion.cli;

import dev.bastion.authn.RedisRevocationChannel;
import dev.bastion.authn.RevocationService;
import dev.bastion.config.BastionConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Revocation from the CLI: written to the store (every node polls it) and, when the config names Redis,
 * broadcast so nodes apply it at once.
 */
final class Revoker {
    private Revoker() {}

    static Revocation revoke(StoreOptions options, Store store, Revocation.Kind kind, String subject, String orgId, Instant expiresAt) {
        Revocation r = revoke(options.config(), store, kind, subject, orgId, expiresAt);
        dev.bastion.audit.AuditType type = switch (kind) {
            case KEY -> dev.bastion.audit.AuditType.KEY_REVOKED;
            case CLIENT -> dev.bastion.audit.AuditType.CLIENT_DISABLED;
            default -> dev.bastion.audit.AuditType.REVOCATION;
        };
        CliAudit.record(options, store, type, orgId, kind.wire() + ":" + subject,
                java.util.Map.of("revocation", r.id(), "kind", kind.wire(), "via", "cli"));
        return r;
    }

    private static Revocation revoke(BastionConfig config, Store store, Revocation.Kind kind, String subject, String orgId, Instant expiresAt) {
        if (config.redis() == null) {
            return new RevocationService(store, Clock.systemUTC(), r -> {}, null).revoke(kind, subject, orgId, expiresAt);
        }
        Vertx vertx = Vertx.vertx();
        io.vertx.redis.client.Redis client = dev.bastion.state.RedisClients.create(vertx, config.redis(), new SecretResolver());
        try (RedisRevocationChannel channel = new RedisRevocationChannel(vertx, client, null)) {
            java.util.List<Revocation> made = new java.util.ArrayList<>();
            Revocation r = new RevocationService(store, Clock.systemUTC(), made::add, null).revoke(kind, subject, orgId, expiresAt);
            try {
                channel.publish(r).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("bastion: Redis broadcast failed; nodes will apply the revocation at their next store poll");
            }
            return r;
        } finally {
            client.close();
            GatewayRunner.await(vertx.close());
        }
    }
}
