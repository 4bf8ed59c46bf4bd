package dev.bastion.audit;

import dev.bastion.config.SecretRef;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tampering cases against a real PostgreSQL (embedded binaries); the attacker is the superuser. */
class AuditTamperPostgresTest extends AuditTamperContract {
    static EmbeddedPostgres pg;
    static Store store;

    @BeforeAll
    static void open() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bastion LOGIN PASSWORD 'audit-pass-1'");
            s.execute("CREATE DATABASE bastion OWNER bastion");
        }
        store = Store.open(new StoreConfig("postgresql://127.0.0.1:" + pg.getPort() + "/bastion", "bastion", SecretRef.parse("env:P"), 4),
                new SecretResolver(Map.of("P", "audit-pass-1")));
    }

    @AfterAll
    static void close() throws Exception {
        if (store != null) store.close();
        if (pg != null) pg.close();
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected Connection attacker() throws Exception {
        Connection c = pg.getDatabase("postgres", "bastion").getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica"); // a superuser's way past the triggers
        }
        return c;
    }

    @Override
    protected Connection appConnection() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/bastion", "bastion", "audit-pass-1");
    }
}
