package dev.bastion.store;

import dev.bastion.config.SecretRef;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract against a real PostgreSQL 18 (embedded binaries), with a password from a secret reference. */
class PostgresStoreTest extends StoreContract {
    static EmbeddedPostgres pg;
    static Store store;
    static final SecretResolver SECRETS = new SecretResolver(Map.of("DB_PASSWORD", "s3cret-db-pass-771"));

    static StoreConfig config() {
        return new StoreConfig("postgresql://127.0.0.1:" + pg.getPort() + "/bastion", "bastion",
                SecretRef.parse("env:DB_PASSWORD"), 4);
    }

    @BeforeAll
    static void open() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bastion LOGIN PASSWORD 's3cret-db-pass-771'");
            s.execute("CREATE DATABASE bastion OWNER bastion");
        }
        store = Store.open(config(), SECRETS);
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
    protected Store secondStore() {
        return Store.open(config(), SECRETS);
    }
}
