package dev.bastion.dataprotect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.AwsCredentialsConfig;
import dev.bastion.config.DataProtectionConfig;
import dev.bastion.config.SecretRef;
import dev.bastion.config.StoreConfig;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.DataKeyRecord;
import dev.bastion.store.Store;
import dev.bastion.testing.KmsStandIn;
import dev.bastion.upstream.auth.SigV4;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aws-kms:} KEKs through the real AWS SDK, its SigV4 signing and Bastion's egress connector, against a KMS
 * stand-in that checks every signature and answers KMS's errors; the data keys on a real SQLite store.
 */
class AwsKmsKekTest {
    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String REGION = "eu-west-1";

    @TempDir
    Path dir;
    Vertx vertx;
    KmsStandIn kms;
    OutboundConnector connector;
    Store store;
    dev.bastion.tokens.MasterKey master;
    final List<Keks> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        kms = new KmsStandIn(vertx, new SigV4.Credentials(KEY_ID, SECRET_KEY, null), REGION);
        connector = new OutboundConnector(vertx, EgressPolicy.of(List.of("127.0.0.1"), List.of()), (e, f) -> {}, new SimpleMeterRegistry());
        store = Store.open(new StoreConfig("sqlite:" + dir.resolve("bastion.db"), null, null, null), new SecretResolver(Map.of()));
        master = dev.bastion.tokens.MasterKey.fromKeysetJson(dev.bastion.tokens.MasterKey.generateKeysetJson());
    }

    @AfterEach
    void tearDown() throws Exception {
        opened.forEach(Keks::close);
        store.close();
        connector.close();
        kms.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    DataKeys keys(String kek) {
        return keys(kek, KEY_ID, SECRET_KEY, connector);
    }

    DataKeys keys(String kek, String keyId, String secret, OutboundConnector through) {
        return keys(kek, keyId, secret, through, null);
    }

    DataKeys keys(String kek, String keyId, String secret, OutboundConnector through, java.util.Set<DataProtectionConfig.AuditField> sealed) {
        SecretResolver env = new SecretResolver(Map.of("AWS_KEY_ID", keyId, "AWS_SECRET", secret));
        DataProtectionConfig config = new DataProtectionConfig(kek, null, null, null, sealed, new DataProtectionConfig.Aws(REGION, URI.create(kms.endpoint()),
                new AwsCredentialsConfig(SecretRef.parse("env:AWS_KEY_ID"), SecretRef.parse("env:AWS_SECRET"), null)));
        Keks keks = Keks.create(config, () -> master, vertx, through, env);
        opened.add(keks);
        return new DataKeys(store.dataKeys(), keks, config, Clock.systemUTC());
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void dataKeysAreWrappedByKmsWithTheirScopeAsContextAndOpenOnAnotherNode() {
        String arn = kms.createKey();
        DataKeys k = keys("aws-kms:" + arn);
        byte[] sealed = k.seal("org:acme", "p", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(k.versions("org:acme")).singleElement().extracting(DataKeyRecord::kekId).isEqualTo("aws-kms:" + arn);
        assertThat(kms.calls("Encrypt")).isEqualTo(1);
        assertThat(text(keys("aws-kms:" + arn).open("p", sealed))).isEqualTo("hello");
        assertThat(kms.calls("Decrypt")).as("the second node unwrapped through KMS").isEqualTo(1);
        assertThat(kms.rejections()).as("every request was signed correctly").isEmpty();
    }

    @Test
    void anAliasWorksLikeItsKey() {
        String arn = kms.createKey();
        kms.alias("alias/bastion", arn);
        DataKeys k = keys("aws-kms:alias/bastion");
        byte[] sealed = k.seal("org:acme", "p", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(text(keys("aws-kms:alias/bastion").open("p", sealed))).isEqualTo("x");
    }

    /** The attack: a KMS-wrapped data key copied onto another scope's row; KMS itself refuses (encryption context). */
    @Test
    void kmsRefusesAWrappedKeyPresentedForAnotherScope() throws Exception {
        String arn = kms.createKey();
        DataKeys k = keys("aws-kms:" + arn);
        k.seal("org:attacker", "p", new byte[1]);
        byte[] victims = k.seal("org:victim", "p", "secret-of-victim".getBytes(StandardCharsets.UTF_8));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bastion.db")); var s = c.createStatement()) {
            s.executeUpdate("UPDATE data_keys SET wrapped_key = (SELECT wrapped_key FROM data_keys WHERE scope = 'org:attacker') WHERE scope = 'org:victim'");
        }
        assertThatThrownBy(() -> keys("aws-kms:" + arn).open("p", victims)).isInstanceOf(DataKeyException.class)
                .hasMessageContaining("InvalidCiphertextException");
    }

    @Test
    void rotateKekFromTheMasterKeyToKmsAndBackKeepsEverythingReadable() {
        DataKeys onMaster = keys("master");
        byte[] a = onMaster.seal("org:a", "p", "A".getBytes(StandardCharsets.UTF_8));
        byte[] b = onMaster.seal("user:usr_1", "p", "B".getBytes(StandardCharsets.UTF_8));
        String arn = kms.createKey();
        DataKeys toKms = keys("aws-kms:" + arn);
        assertThat(toKms.rotateKek(100)).isEqualTo(2);
        assertThat(store.dataKeys().versions("org:a")).allSatisfy(r -> assertThat(r.kekId()).isEqualTo("aws-kms:" + arn));
        byte[] c = toKms.seal("org:c", "p", "C".getBytes(StandardCharsets.UTF_8));
        // a node that can no longer use the master key reads everything through KMS
        dev.bastion.tokens.MasterKey before = master;
        master = null;
        DataKeys kmsOnly = keys("aws-kms:" + arn);
        assertThat(text(kmsOnly.open("p", a)) + text(kmsOnly.open("p", b)) + text(kmsOnly.open("p", c))).isEqualTo("ABC");
        master = before;
        DataKeys back = keys("master");
        assertThat(back.rotateKek(1)).isEqualTo(3);
        assertThat(back.rotateKek(1)).as("idempotent").isZero();
        kms.disable(arn, true); // KMS no longer needed
        DataKeys masterOnly = keys("master");
        assertThat(text(masterOnly.open("p", a)) + text(masterOnly.open("p", b)) + text(masterOnly.open("p", c))).isEqualTo("ABC");
    }

    @Test
    void kmsDownOrTheKeyDisabledIsAClearErrorAndNothingIsLostAndRotationResumes() {
        DataKeys onMaster = keys("master");
        byte[] a = onMaster.seal("org:a", "p", "A".getBytes(StandardCharsets.UTF_8));
        onMaster.seal("org:b", "p", "B".getBytes(StandardCharsets.UTF_8));
        String arn = kms.createKey();
        kms.down();
        DataKeys toKms = keys("aws-kms:" + arn);
        assertThatThrownBy(() -> toKms.rotateKek(100)).isInstanceOf(DataKeyException.class)
                .hasMessageContaining("rotate-kek stopped after 0 keys").hasMessageContaining("aws-kms:" + arn).hasMessageContaining("run it again");
        assertThat(store.dataKeys().versions("org:a")).singleElement().extracting(DataKeyRecord::kekId).isEqualTo("master");
        assertThat(text(keys("master").open("p", a))).as("nothing lost").isEqualTo("A");
        kms.up();
        kms.disable(arn, true);
        assertThatThrownBy(() -> toKms.rotateKek(100)).isInstanceOf(DataKeyException.class).hasMessageContaining("DisabledException (the key is disabled)");
        assertThatThrownBy(() -> toKms.seal("org:new", "p", new byte[1])).isInstanceOf(DataKeyException.class).hasMessageContaining("DisabledException");
        assertThat(store.dataKeys().versions("org:new")).as("no key stored that nobody could unwrap").isEmpty();
        kms.disable(arn, false);
        assertThat(toKms.rotateKek(100)).isEqualTo(2);
        assertThat(text(keys("aws-kms:" + arn).open("p", a))).isEqualTo("A");
    }

    @Test
    void unknownKeysDeniedAccessAndWrongCredentialsAreNamedWithoutSecrets() {
        String arn = kms.createKey();
        DataKeys nokey = keys("aws-kms:" + arn.replaceAll("key/.*", "key/00000000-0000-0000-0000-000000000000"));
        assertThatThrownBy(() -> nokey.seal("org:a", "p", new byte[1])).hasMessageContaining("NotFoundException (no such key)");
        kms.deny(arn);
        assertThatThrownBy(() -> keys("aws-kms:" + arn).seal("org:a", "p", new byte[1])).hasMessageContaining("AccessDeniedException")
                .hasMessageNotContaining(SECRET_KEY);
        String other = kms.createKey();
        assertThatThrownBy(() -> keys("aws-kms:" + other, KEY_ID, "wrong" + SECRET_KEY, connector).seal("org:a", "p", new byte[1]))
                .isInstanceOf(DataKeyException.class).hasMessageContaining("InvalidSignatureException").hasMessageNotContaining(SECRET_KEY);
        OutboundConnector closed = new OutboundConnector(vertx, EgressPolicy.of(List.of(), List.of()), (e, f) -> {}, new SimpleMeterRegistry());
        try {
            assertThatThrownBy(() -> keys("aws-kms:" + other, KEY_ID, SECRET_KEY, closed).seal("org:a", "p", new byte[1]))
                    .as("the egress policy applies to KMS calls").isInstanceOf(DataKeyException.class).hasMessageContaining("cannot reach KMS");
        } finally {
            closed.close();
        }
    }

    /** KMS unreachable while the audit writer must make a user's key: the events wait in the spool and are stored sealed once it is back. */
    @Test
    void auditEventsThatCannotBeSealedWaitInTheSpoolAndAreStoredSealedLater() throws Exception {
        String arn = kms.createKey();
        DataKeys k = keys("aws-kms:" + arn, KEY_ID, SECRET_KEY, connector,
                java.util.Set.of(DataProtectionConfig.AuditField.IP, DataProtectionConfig.AuditField.ACTOR));
        dev.bastion.config.AuditConfig config = new dev.bastion.config.AuditConfig(true, "kms", 1024, 100, java.time.Duration.ofMillis(20),
                java.time.Duration.ofMillis(100), null, false, null, new dev.bastion.config.AuditConfig.Spool(dir.resolve("spool.jsonl").toString(), null), null, null);
        kms.down();
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            dev.bastion.audit.AuditTrail trail = dev.bastion.audit.AuditTrail.start(config, store, () -> master,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), null);
            trail.sealWith(new AuditFieldSealer(k));
            for (int i = 0; i < 5; i++) {
                trail.record(new dev.bastion.audit.AuditEvent(System.currentTimeMillis(), dev.bastion.audit.AuditType.BUDGET_THRESHOLD, null,
                        new dev.bastion.audit.AuditEvent.Actor("principal", "usr_kms000000000001", "acme"), "threshold", null, null, null, null, null,
                        "203.0.113.50", Map.of()));
            }
            dev.bastion.testing.Eventually.until("the batch spooled", () -> java.nio.file.Files.exists(dir.resolve("spool.jsonl"))
                    && java.nio.file.Files.size(dir.resolve("spool.jsonl")) > 0);
            assertThat(store.audit().search(dev.bastion.store.AuditRepository.Filter.ALL, 10, true, false)).as("nothing stored in clear").isEmpty();
            kms.up();
            dev.bastion.testing.Eventually.until("stored once KMS is back", () -> store.audit().search(
                    new dev.bastion.store.AuditRepository.Filter(null, null, null, "budget.threshold", null, null, null), 10, true, false).size() == 5);
            trail.close();
            assertThat(store.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "budget.threshold", null, null, null), 10, true, false))
                    .allSatisfy(r -> {
                        assertThat(r.ip()).startsWith("enc1:");
                        assertThat(r.actorId()).startsWith("enc1:");
                        assertThat(new AuditFieldSealer(k).reveal(r).ip()).isEqualTo("203.0.113.50");
                    });
            assertThat(logs.all()).contains("audit: cannot seal events (DataKeyException: aws-kms:" + arn + ": KMS Encrypt answered status 503 (KMS unavailable")
                    .doesNotContain(SECRET_KEY)
                    .doesNotContain("203.0.113.50");
        }
    }

    /**
     * {@code bastion data rotate-kek} as an operator runs it: from the master key to a KMS key named in the config
     * (its endpoint a config-named host, credentials from files), idempotent, then back; the data stays readable.
     */
    @Test
    void theCliRotatesFromTheMasterKeyToKmsAndBack() throws Exception {
        java.nio.file.Path db = dir.resolve("cli.db");
        java.nio.file.Files.writeString(dir.resolve("id"), KEY_ID);
        java.nio.file.Files.writeString(dir.resolve("secret"), SECRET_KEY);
        String arn = kms.createKey();
        String aws = "  aws: { endpoint: \"" + kms.endpoint() + "\", credentials: { access_key_id: \"file:" + dir.resolve("id")
                + "\", secret_access_key: \"file:" + dir.resolve("secret") + "\" } }\n";
        String base = "store: { url: \"sqlite:" + db + "\" }\naudit: { node: cli-kms }\nupstreams: { app: { url: \"http://127.0.0.1:9\" } }\n"
                + "routes: [{ id: app, match: { methods: [GET], path: /app }, upstream: app, auth: { methods: [api_key] } }]\n";
        java.nio.file.Path onMaster = dir.resolve("master.yaml");
        java.nio.file.Path onKms = dir.resolve("kms.yaml");
        java.nio.file.Files.writeString(onMaster, base + "data_protection:\n  kek: master\n" + aws);
        java.nio.file.Files.writeString(onKms, base + "data_protection:\n  kek: \"aws-kms:" + arn + "\"\n" + aws);

        dev.bastion.config.BastionConfig cfg = new dev.bastion.config.ConfigLoader().load(onMaster);
        byte[] sealed;
        try (Store s = Store.open(cfg.store(), new SecretResolver(Map.of()))) {
            sealed = new DataKeys(s.dataKeys(), Keks.of(Keks.master(dev.bastion.tokens.MasterKey.load(cfg, new SecretResolver(Map.of())))), cfg.dataProtection(),
                    Clock.systemUTC()).seal("org:cli", "p", "readable".getBytes(StandardCharsets.UTF_8));
        }
        SubjectRequestsTest.Run toKms = SubjectRequestsTest.run("data", "rotate-kek", "--config", onKms.toString());
        assertThat(toKms.exit()).as(toKms.err()).isZero();
        assertThat(toKms.out()).contains("re-wrapped 1 data keys under aws-kms:" + arn);
        assertThat(SubjectRequestsTest.run("data", "rotate-kek", "--config", onKms.toString()).out()).contains("re-wrapped 0 data keys");
        assertThat(kms.calls("Encrypt")).isEqualTo(1);
        assertThat(kms.rejections()).isEmpty();
        try (Store s = Store.open(cfg.store(), new SecretResolver(Map.of()))) {
            assertThat(s.dataKeys().versions("org:cli")).singleElement().extracting(DataKeyRecord::kekId).isEqualTo("aws-kms:" + arn);
            assertThat(s.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "data.kek_rotated", null, null, null), 10, true, false))
                    .singleElement().extracting(dev.bastion.store.AuditRow::target).isEqualTo("aws-kms:" + arn);
        }
        SubjectRequestsTest.Run back = SubjectRequestsTest.run("data", "rotate-kek", "--config", onMaster.toString());
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).contains("re-wrapped 1 data keys under master");
        assertThat(kms.calls("Decrypt")).as("unwrapped through KMS").isEqualTo(1);
        try (Store s = Store.open(cfg.store(), new SecretResolver(Map.of()))) {
            DataKeys k = new DataKeys(s.dataKeys(), Keks.of(Keks.master(dev.bastion.tokens.MasterKey.load(cfg, new SecretResolver(Map.of())))),
                    cfg.dataProtection(), Clock.systemUTC());
            assertThat(text(k.open("p", sealed))).isEqualTo("readable");
        }
    }
}
