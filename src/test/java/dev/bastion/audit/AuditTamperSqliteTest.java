package dev.bastion.audit;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tampering cases against a real SQLite file. */
class AuditTamperSqliteTest extends AuditTamperContract {
    static Path file;
    static Store store;

    @BeforeAll
    static void open() throws Exception {
        file = Files.createTempDirectory("audit-sqlite").resolve("bastion.db");
        store = Store.open(new StoreConfig("sqlite:" + file, null, null, null), new SecretResolver(Map.of()));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            // the migrations made the append-only triggers (appConnection re-creates them after an attacker test dropped them):
            // V5's four on the trail, of which V6 made the delete one refuse only what no retention cut covers, and the cuts' own two
            org.assertj.core.api.Assertions.assertThat(count(c, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'")).isEqualTo(6);
        }
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected Connection attacker() throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            for (String t : new String[] {"audit_events_no_update", "audit_events_no_delete", "audit_checkpoints_no_update", "audit_checkpoints_no_delete"}) {
                s.execute("DROP TRIGGER IF EXISTS " + t); // the file's owner can; that is what the chain is for
            }
        }
        return c;
    }

    @Override
    protected Connection appConnection() throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            // as migration V5 made them (an attacker test may have dropped them)
            s.execute("CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END");
            s.execute("CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events WHEN OLD.seq > COALESCE((SELECT MAX(up_to_seq) "
                    + "FROM audit_retention_cuts WHERE node = OLD.node), 0) BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (DELETE beyond the retention cut)'); END");
            s.execute("CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END");
            s.execute("CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END");
        }
        return c;
    }
}
