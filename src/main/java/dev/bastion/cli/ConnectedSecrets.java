package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.SecretPlaces;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.observe.AuditLog;
import dev.bastion.secrets.SecretResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

/**
 * A resolver for a command that reads a config's secrets: with the config's secret stores (Vault, Secrets
 * Manager) reached through an egress connector of its own, under the same policy as the gateway's, when the
 * config has a {@code vault:} or {@code aws-sm:} reference; else the plain one, with no Vert.x at all.
 */
final class ConnectedSecrets implements AutoCloseable {
    final SecretResolver resolver;
    private final Vertx vertx;
    private final OutboundConnector connector;

    ConnectedSecrets(BastionConfig c) {
        boolean remote = SecretPlaces.of(c).values().stream().anyMatch(r -> r.kind().remote() && !r.templated());
        SecretResolver plain = new SecretResolver();
        if (!remote) {
            this.vertx = null;
            this.connector = null;
            this.resolver = plain;
            return;
        }
        this.vertx = Vertx.vertx();
        this.connector = new OutboundConnector(vertx, EgressPolicy.from(c), AuditLog.toLogger(), new SimpleMeterRegistry());
        this.resolver = plain.connect(vertx, connector, c.secrets());
    }

    @Override
    public void close() {
        resolver.close();
        if (connector != null) connector.close();
        if (vertx != null) vertx.close();
    }
}
