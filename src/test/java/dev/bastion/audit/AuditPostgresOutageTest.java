package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.AuditConfig;
import dev.bastion.config.SecretRef;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.testing.Eventually;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL stopped under a running writer, and started again: nothing lost, the order and the chain kept. */
class AuditPostgresOutageTest {
    @TempDir
    Path dir;

    static EmbeddedPostgres start(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    @Test
    void eventsWaitInTheSpoolWhilePostgresIsDownAndAreStoredInOrderWhenItReturns() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres pg = start(data, port);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bastion LOGIN PASSWORD 'outage-pass'");
            s.execute("CREATE DATABASE bastion OWNER bastion");
        }
        MasterKey mk = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
        Path spool = dir.resolve("spool.jsonl");
        Store store = Store.open(new StoreConfig("postgresql://127.0.0.1:" + port + "/bastion", "bastion", SecretRef.parse("env:P"), 2),
                new SecretResolver(Map.of("P", "outage-pass")));
        AuditConfig config = new AuditConfig(true, "pg-node", 4096, 50, Duration.ofMillis(20), Duration.ofMillis(200), null, false, null,
                new AuditConfig.Spool(spool.toString(), null), new AuditConfig.Checkpoint(10, null, null, null), null);
        AuditTrail trail = AuditTrail.start(config, store, () -> mk, new SimpleMeterRegistry(), null);
        try {
            for (int i = 0; i < 20; i++) trail.event("egress_connection", Map.of("i", i, "rule", "providers"));
            assertThat(trail.writer().drain(10_000)).isTrue();

            pg.close(); // the database goes away
            for (int i = 20; i < 50; i++) trail.event("egress_connection", Map.of("i", i, "rule", "providers"));
            Eventually.until("spooled", () -> Files.exists(spool) && Files.readAllLines(spool).size() == 30);
            assertThat(trail.writer().storeUp()).isFalse();

            pg = start(data, port); // and comes back, with its data
            Eventually.until("the spool stored", () -> trail.writer().storeUp() && Files.size(spool) == 0);
            for (int i = 50; i < 60; i++) trail.event("egress_connection", Map.of("i", i, "rule", "providers"));
            assertThat(trail.writer().drain(10_000)).isTrue();
            trail.close();

            List<AuditRow> rows = store.audit().chain("pg-node", 1, Long.MAX_VALUE);
            List<Long> order = rows.stream().filter(r -> r.type().equals("egress.connection"))
                    .map(r -> Long.parseLong(r.fields().replaceAll(".*\"i\":(\\d+).*", "$1"))).toList();
            assertThat(order).hasSize(60).isSorted().doesNotHaveDuplicates();
            assertThat(rows).anySatisfy(r -> assertThat(r.type()).isEqualTo("audit.spooled"));
            AuditVerifier.Report r = AuditSource.fromStore(store, "pg-node", null, null).verify(List.of());
            assertThat(r.problems()).isEmpty();
            assertThat(store.audit().checkpoints("pg-node").getLast().seq()).isEqualTo(rows.size());
        } finally {
            trail.close();
            store.close();
            pg.close();
        }
    }
}
