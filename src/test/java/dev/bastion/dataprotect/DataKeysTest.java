package dev.bastion.dataprotect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.DataProtectionConfig;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.DataKeyRecord;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data keys on a real SQLite store: sealing, binding, rotation, shredding. */
class DataKeysTest {
    static final String SECRET = "alice@example.com";

    @TempDir
    Path dir;
    Store store;
    MasterKey master;
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeEach
    void open() throws Exception {
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("bastion.db"), null, null, null), new SecretResolver(Map.of()));
        master = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
    }

    @AfterEach
    void close() {
        store.close();
    }

    DataKeys keys(DataProtectionConfig config) {
        return new DataKeys(store.dataKeys(), Keks.of(Keks.master(master)), config, clock);
    }

    DataKeys keys() {
        return keys(DataProtectionConfig.DEFAULTS);
    }

    @Test
    void sealedValuesOpenForTheirPurposeAndShowNothingOfThePlaintext() {
        DataKeys k = keys();
        byte[] sealed = k.seal("org:acme", "idem:key1", SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET).doesNotContain("alice");
        assertThat(new String(k.open("idem:key1", sealed), StandardCharsets.UTF_8)).isEqualTo(SECRET);
        assertThat(k.seal("org:acme", "idem:key1", SECRET.getBytes(StandardCharsets.UTF_8))).as("a fresh nonce each time").isNotEqualTo(sealed);
        String text = k.sealText("user:usr_1", "audit:ip:e1", "10.1.2.3");
        assertThat(text).startsWith("enc1:").doesNotContain("10.1.2.3");
        assertThat(k.openText("audit:ip:e1", text)).isEqualTo("10.1.2.3");
        List<DataKeyRecord> v = k.versions("org:acme");
        assertThat(v).singleElement().satisfies(r -> {
            assertThat(r.kekId()).isEqualTo("master");
            assertThat(r.state()).isEqualTo("active");
            assertThat(r.toString()).doesNotContain(r.wrappedKey());
        });
    }

    /** The attack: a ciphertext copied to another row, another purpose, or relabelled as another scope's. */
    @Test
    void aMovedOrRelabelledCiphertextDoesNotOpen() {
        DataKeys k = keys();
        byte[] sealed = k.seal("org:acme", "idem:key1", SECRET.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> k.open("idem:key2", sealed)).isInstanceOf(DataKeyException.class).isNotInstanceOf(DataKeyException.Shredded.class)
                .hasMessageContaining("does not open").hasMessageNotContaining(SECRET);
        k.seal("org:evil", "x", new byte[1]);
        byte[] relabelled = new String(sealed, StandardCharsets.ISO_8859_1).replace("org:acme", "org:evil").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> k.open("idem:key1", relabelled)).isInstanceOf(DataKeyException.class).hasMessageContaining("does not open");
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> k.open("idem:key1", flipped)).isInstanceOf(DataKeyException.class);
    }

    /** The attack: a wrapped data key copied onto another scope's row (to read that scope with a key one holds). */
    @Test
    void aWrappedKeyCopiedToAnotherScopesRowDoesNotUnwrap() throws Exception {
        DataKeys k = keys();
        k.seal("org:attacker", "x", new byte[1]);
        byte[] victims = k.seal("org:victim", "x", SECRET.getBytes(StandardCharsets.UTF_8));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bastion.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE data_keys SET wrapped_key = (SELECT wrapped_key FROM data_keys WHERE scope = 'org:attacker') WHERE scope = 'org:victim'")) {
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        DataKeys fresh = keys(); // nothing cached
        String wrapped = store.dataKeys().versions("org:victim").getFirst().wrappedKey();
        assertThatThrownBy(() -> fresh.open("x", victims)).isInstanceOf(DataKeyException.class).hasMessageContaining("cannot unwrap")
                .hasMessageNotContaining(wrapped).hasMessageNotContaining(SECRET);
    }

    @Test
    void aKeyOlderThanRotateEveryIsReplacedForWritingAndStillOpensWhatItSealed() {
        DataKeys k = keys(new DataProtectionConfig(null, Duration.ofDays(90), null, null, null, null));
        byte[] old = k.seal("org:acme", "p", "one".getBytes(StandardCharsets.UTF_8));
        now = now.plus(Duration.ofDays(91));
        byte[] fresh = k.seal("org:acme", "p", "two".getBytes(StandardCharsets.UTF_8));
        List<DataKeyRecord> v = k.versions("org:acme");
        assertThat(v).extracting(DataKeyRecord::version, DataKeyRecord::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, "active"), org.assertj.core.groups.Tuple.tuple(1, "retired"));
        DataKeys other = keys(); // another node, nothing cached
        assertThat(new String(other.open("p", old), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(new String(other.open("p", fresh), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(other.seal("org:acme", "p", new byte[1])[2 + "org:acme".length() + 3]).as("new seals use version 2").isEqualTo((byte) 2);
    }

    /** The attack on a shredded subject: with the master key and the whole database, the sealed value stays closed. */
    @Test
    void aDestroyedScopeOpensNothingEvenWithTheMasterKeyAndGetsNoNewKey() throws Exception {
        DataKeys k = keys();
        byte[] sealed = k.seal("user:usr_1", "audit:actor:e1", "usr_1".getBytes(StandardCharsets.UTF_8));
        k.seal("user:usr_2", "p", new byte[1]);
        assertThat(k.destroy("user:usr_1")).isEqualTo(1);
        assertThatThrownBy(() -> k.open("audit:actor:e1", sealed)).isInstanceOf(DataKeyException.Shredded.class);
        assertThatThrownBy(() -> keys().open("audit:actor:e1", sealed)).isInstanceOf(DataKeyException.Shredded.class);
        assertThatThrownBy(() -> k.seal("user:usr_1", "p", new byte[1])).as("a deleted subject gets no new key").isInstanceOf(DataKeyException.Shredded.class);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bastion.db"));
             var rs = c.createStatement().executeQuery("SELECT wrapped_key, state FROM data_keys WHERE scope = 'user:usr_1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("no wrapped key left for the master key to unwrap").isNull();
            assertThat(rs.getString(2)).isEqualTo("destroyed");
        }
        assertThat(k.versions("user:usr_2")).singleElement().extracting(DataKeyRecord::state).isEqualTo("active");
        assertThat(k.destroy("user:usr_1")).as("idempotent").isZero();
    }

    @Test
    void blindIndexesAreStableAcrossRotationPerScopeAndAbsentWithoutKeys() {
        DataKeys k = keys();
        assertThat(k.blindIndex("user:usr_1", "usr_1", false)).isEmpty();
        assertThat(k.versions("user:usr_1")).as("a lookup creates no key").isEmpty();
        String a = k.blindIndex("user:usr_1", "usr_1", true).orElseThrow();
        now = now.plus(Duration.ofDays(100));
        k.seal("user:usr_1", "p", new byte[1]);
        assertThat(keys().blindIndex("user:usr_1", "usr_1", false)).contains(a);
        assertThat(k.blindIndex("user:usr_2", "usr_1", true).orElseThrow()).isNotEqualTo(a);
        assertThat(a).doesNotContain("usr_1");
    }

    @Test
    void rotateKekBetweenTwoMasterKeysetsKeepsEverythingReadableAndIsIdempotent() throws Exception {
        DataKeys k = keys();
        byte[] a = k.seal("org:a", "p", "A".getBytes(StandardCharsets.UTF_8));
        byte[] b = k.seal("user:usr_9", "p", "B".getBytes(StandardCharsets.UTF_8));
        MasterKey second = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
        Kek to = new Kek() {
            final Kek inner = Keks.master(second);

            public String id() {
                return "aws-kms:arn:aws:kms:eu-west-1:123456789012:key/standin";
            }

            public byte[] wrap(byte[] dataKey, String context) {
                return inner.wrap(dataKey, context);
            }

            public byte[] unwrap(byte[] wrapped, String context) {
                return inner.unwrap(wrapped, context);
            }
        };
        DataKeys rotated = new DataKeys(store.dataKeys(), Keks.of(to, Keks.master(master)), DataProtectionConfig.DEFAULTS, clock);
        assertThat(rotated.rotateKek(1)).isEqualTo(2);
        assertThat(rotated.rotateKek(1)).isZero();
        DataKeys onlyNew = new DataKeys(store.dataKeys(), Keks.of(to), DataProtectionConfig.DEFAULTS, clock);
        assertThat(new String(onlyNew.open("p", a), StandardCharsets.UTF_8)).isEqualTo("A");
        assertThat(new String(onlyNew.open("p", b), StandardCharsets.UTF_8)).isEqualTo("B");
        assertThat(Base64.getDecoder().decode(store.dataKeys().versions("org:a").getFirst().wrappedKey())).isNotEmpty();
    }
}
