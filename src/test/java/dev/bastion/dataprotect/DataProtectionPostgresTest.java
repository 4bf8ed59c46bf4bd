package dev.bastion.dataprotect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditSource;
import dev.bastion.audit.AuditTrails;
import dev.bastion.audit.AuditType;
import dev.bastion.config.AuditConfig;
import dev.bastion.config.DataProtectionConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.store.User;
import dev.bastion.tokens.MasterKey;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data keys, sealed audit members and subject requests on a real PostgreSQL: the migrations (V8 data keys, V9 the
 * wider audit columns a sealed address needs — PostgreSQL enforces VARCHAR lengths, SQLite does not), the
 * conditional updates, and the export's row mapping.
 */
class DataProtectionPostgresTest {
    static EmbeddedPostgres pg;
    static Store store;
    static MasterKey master;

    @BeforeAll
    static void open() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bastion LOGIN PASSWORD 'pw-dp-3391'");
            s.execute("CREATE DATABASE bastion OWNER bastion");
        }
        store = Store.open(new StoreConfig("postgresql://127.0.0.1:" + pg.getPort() + "/bastion", "bastion", dev.bastion.config.SecretRef.parse("env:PW"), 4),
                new SecretResolver(Map.of("PW", "pw-dp-3391")));
        master = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
    }

    @AfterAll
    static void close() throws Exception {
        if (store != null) store.close();
        if (pg != null) pg.close();
    }

    static DataKeys keys() {
        return new DataKeys(store.dataKeys(), Keks.of(Keks.master(master)),
                new DataProtectionConfig(null, null, null, null, Set.of(DataProtectionConfig.AuditField.IP, DataProtectionConfig.AuditField.ACTOR), null),
                Clock.systemUTC());
    }

    @Test
    void sealedAuditMembersFitVerifyAndAreShreddedWithTheUser() {
        String user = "usr_pgUser000000000001";
        Instant now = Instant.now();
        store.orgs().ensure("pg-org");
        store.users().insertIfAbsent(new User(user, "pg-org", "https://idp.example", "pat@pg.example", "member", now, now));
        store.usage().add("monthly", "user:" + user, "pg-org", now, 10, 20, now);
        DataKeys keys = keys();
        AuditConfig audit = new AuditConfig(true, "pg", null, null, null, null, null, false, null, null, null, null);
        String ipv6 = "2001:db8:85a3:1234:5678:8a2e:370:7334";
        for (int i = 0; i < 3; i++) {
            AuditTrails.appendNow(store, audit, "pg", new AuditEvent(System.currentTimeMillis(), AuditType.BUDGET_THRESHOLD, null,
                    new AuditEvent.Actor("principal", user, "pg-org"), "threshold", "monthly", null, null, null, null, ipv6, Map.of()), () -> master,
                    new AuditFieldSealer(keys));
        }
        List<AuditRow> rows = store.audit().search(new dev.bastion.store.AuditRepository.Filter("pg", null, null, null, null, null, null), 10, true, false);
        assertThat(rows).hasSize(3).allSatisfy(r -> {
            assertThat(r.ip()).startsWith("enc1:").hasSizeGreaterThan(64); // wider than V4's column: V9 made room
            assertThat(r.actorId()).startsWith("enc1:");
        });
        AuditFieldSealer sealer = new AuditFieldSealer(keys);
        assertThat(store.audit().search(new dev.bastion.store.AuditRepository.Filter("pg", null, null, null, user, null, null)
                .withActorSealed(sealer.actorPrefix(user).orElseThrow()), 10, true, false)).hasSize(3);
        assertThat(sealer.reveal(rows.getFirst()).ip()).isEqualTo(ipv6);

        SubjectRequests requests = new SubjectRequests(store, () -> keys, Clock.systemUTC());
        JsonObject doc = requests.exportUser(user, null).orElseThrow();
        assertThat(doc.getJsonObject("tables").getJsonArray("llm_usage").getJsonObject(0).getLong("tokens")).isEqualTo(10L);
        assertThat(doc.getJsonArray("audit_events")).hasSize(3);
        assertThat(doc.encode()).contains(ipv6).contains("pat@pg.example");

        assertThat(requests.deleteUser(user, null).orElseThrow().keysDestroyed()).isEqualTo(1);
        assertThat(keys().versions("user:" + user)).allSatisfy(k -> assertThat(k.wrappedKey()).isNull());
        assertThat(sealer.reveal(rows.getFirst()).ip()).isEqualTo("[shredded]");
        assertThat(AuditSource.fromStore(store, "pg", null, null).verify(List.of()).ok()).isTrue();
    }

    @Test
    void rotationRotateKekAndDestroyUseTheirConditionalUpdates() throws Exception {
        DataKeys k = keys();
        byte[] a = k.seal("org:pg-a", "p", "A".getBytes(StandardCharsets.UTF_8));
        MasterKey second = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
        Kek renamed = new Kek() {
            final Kek inner = Keks.master(second);

            public String id() {
                return "aws-kms:arn:aws:kms:eu-west-1:123456789012:key/pg";
            }

            public byte[] wrap(byte[] dataKey, String context) {
                return inner.wrap(dataKey, context);
            }

            public byte[] unwrap(byte[] wrapped, String context) {
                return inner.unwrap(wrapped, context);
            }
        };
        DataKeys rotated = new DataKeys(store.dataKeys(), Keks.of(renamed, Keks.master(master)), DataProtectionConfig.DEFAULTS, Clock.systemUTC());
        assertThat(rotated.rotateKek(1)).isPositive();
        assertThat(rotated.rotateKek(1)).isZero();
        assertThat(new String(new DataKeys(store.dataKeys(), Keks.of(renamed), DataProtectionConfig.DEFAULTS, Clock.systemUTC()).open("p", a),
                StandardCharsets.UTF_8)).isEqualTo("A");
        assertThat(rotated.destroy("org:pg-a")).isEqualTo(1);
        assertThatThrownBy(() -> keys().open("p", a)).isInstanceOf(DataKeyException.Shredded.class);
    }
}
