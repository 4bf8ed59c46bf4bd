package dev.bastion.cli;

import dev.bastion.config.BastionConfig;
import dev.bastion.dataprotect.AuditFieldSealer;
import dev.bastion.dataprotect.DataKeys;
import dev.bastion.dataprotect.Keks;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.observe.AuditLog;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The data keys for a command, opened on first need: the master key is read, and an egress connector of the
 * command's own made for KMS calls (under the config's egress policy) only when {@code data_protection} names
 * AWS — so reading a trail with nothing sealed in it needs neither.
 */
final class CliDataKeys implements AutoCloseable {
    private final BastionConfig config;
    private final Store store;
    private Vertx vertx;
    private OutboundConnector connector;
    private Keks keks;
    private DataKeys keys;
    private AuditFieldSealer sealer;

    CliDataKeys(BastionConfig config, Store store) {
        this.config = config;
        this.store = store;
    }

    DataKeys keys() {
        if (keys == null) {
            var dp = config.dataProtection();
            if (dp.aws() != null || !dp.kek().equals(dev.bastion.config.DataProtectionConfig.MASTER)) {
                vertx = Vertx.vertx();
                connector = new OutboundConnector(vertx, EgressPolicy.from(config), AuditLog.toLogger(), new SimpleMeterRegistry());
            }
            SecretResolver secrets = new SecretResolver();
            keks = Keks.create(dp, () -> MasterKey.load(config, secrets), vertx, connector, secrets);
            keys = new DataKeys(store.dataKeys(), keks, dp, Clock.systemUTC());
        }
        return keys;
    }

    AuditFieldSealer sealer() {
        if (sealer == null) sealer = new AuditFieldSealer(keys());
        return sealer;
    }

    /** The row as a reader sees it: sealed members opened (or {@code [shredded]}); a row with nothing sealed as it is. */
    AuditRow reveal(AuditRow r) {
        return DataKeys.isSealedText(r.actorId()) || DataKeys.isSealedText(r.ip()) ? sealer().reveal(r) : r;
    }

    @Override
    public void close() {
        if (keks != null) keks.close();
        if (connector != null) connector.close();
        if (vertx != null) vertx.close();
    }
}
