package dev.bastion.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.SecretRef;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.testing.TestCertificates;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * D4 against a real PostgreSQL serving TLS with a certificate of the test's own CA: the store opens with
 * {@code sslmode=verify-full} and that CA, and the session is encrypted; with another CA it refuses to connect
 * rather than talk to a server it cannot verify.
 */
class PostgresTlsTest {
    static EmbeddedPostgres pg;
    static Path dir;
    static final SecretResolver SECRETS = new SecretResolver(Map.of("DB_PASSWORD", "s3cret-db-pass-tls-42"));

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("pg-tls");
        TestCertificates.ca(dir, "test-ca");
        TestCertificates.server(dir, "test-ca", "server", "IP:127.0.0.1");
        TestCertificates.ca(dir, "other-ca");
        pg = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", dir.resolve("server.pem").toString())
                .setServerConfig("ssl_key_file", dir.resolve("server-key.pem").toString())
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bastion LOGIN PASSWORD 's3cret-db-pass-tls-42'");
            s.execute("CREATE DATABASE bastion OWNER bastion");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) pg.close();
    }

    static StoreConfig config(String ca) {
        return new StoreConfig("postgresql://127.0.0.1:" + pg.getPort() + "/bastion?sslmode=verify-full&sslrootcert=" + dir.resolve(ca + ".pem"),
                "bastion", SecretRef.parse("env:DB_PASSWORD"), 2);
    }

    @Test
    void theStoreOpensOverVerifiedTlsAndTheSessionIsEncrypted() throws Exception {
        StoreConfig config = config("test-ca");
        assertThat(config.verifiesTls()).isTrue();
        try (Store store = Store.open(config, SECRETS)) {
            assertThat(store.orgs()).isNotNull();
        }
        // The same URL through the driver directly: the session reports TLS.
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:" + config.url(), "bastion", "s3cret-db-pass-tls-42");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getBoolean(1)).isTrue();
        }
    }

    @Test
    void aServerSignedByAnotherCaIsRefused() {
        assertThatThrownBy(() -> Store.open(config("other-ca"), SECRETS).close()).hasStackTraceContaining("SSL");
    }
}
