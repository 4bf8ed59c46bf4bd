package dev.bastion.dataprotect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.Bastion;
import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditTrail;
import dev.bastion.audit.AuditType;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRow;
import dev.bastion.store.IssuedTokenRepository;
import dev.bastion.store.Store;
import dev.bastion.store.User;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed audit members and subject requests (D3) end to end: a real audit writer sealing ip and actor on a real
 * SQLite store, then {@code bastion audit verify|search}, {@code bastion data export|delete} as an operator runs
 * them. The attacks: another org's data in an export, a deleted user's events opened with the master key, a
 * sealed member moved to another event.
 */
class SubjectRequestsTest {
    record Run(int exit, String out, String err) {}

    static final String ALICE = "usr_alice0000000001";
    static final String BOB = "usr_bob00000000000002";
    static final String ALICE_IP = "203.0.113.7";
    static final String BOB_IP = "198.51.100.9";
    static final String ALICE_EMAIL = "alice@acme.example";

    @TempDir
    Path dir;
    Path configFile;
    BastionConfig config;
    Store store;
    MasterKey master;

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws Exception {
        configFile = dir.resolve("bastion.yaml");
        Files.writeString(configFile, """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "sqlite:%s" }
                audit: { node: n1, flush_interval: 20ms, spool: { path: "%s" } }
                data_protection: { audit_encrypt: [ip, actor] }
                upstreams:
                  app: { url: "http://127.0.0.1:9" }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(dir.resolve("bastion.db"), dir.resolve("spool.jsonl")));
        config = new ConfigLoader().load(configFile);
        store = Store.open(config.store(), new SecretResolver(Map.of()));
        master = MasterKey.load(config, new SecretResolver(Map.of())); // the development key next to the database, as the CLI reads it
        Instant now = Instant.now();
        store.orgs().ensure("acme");
        store.orgs().ensure("other");
        store.users().insertIfAbsent(new User(ALICE, "acme", "https://idp.example", ALICE_EMAIL, "member", now, now));
        store.users().insertIfAbsent(new User(BOB, "other", "https://idp.example", "bob@other.example", "member", now, now));
        store.usage().add("monthly", "user:" + ALICE, "acme", now, 1200, 3400, now);
        store.usage().add("monthly", "user:" + BOB, "other", now, 99, 99, now);
        store.issuedTokens().insert(new IssuedTokenRepository.IssuedToken("jti-alice-1", "acme", ALICE, now.plusSeconds(3600)));

        DataKeys keys = new DataKeys(store.dataKeys(), Keks.of(Keks.master(master)), config.dataProtection(), Clock.systemUTC());
        AuditTrail trail = AuditTrail.start(config.audit(), store, () -> master, new SimpleMeterRegistry(), config.store().url());
        trail.sealWith(AuditFieldSealer.of(keys));
        for (int i = 0; i < 3; i++) {
            trail.record(event(AuditType.BUDGET_THRESHOLD, new AuditEvent.Actor("principal", ALICE, "acme"), ALICE_IP));
            trail.record(event(AuditType.GUARD_BLOCK, new AuditEvent.Actor("principal", BOB, "other"), BOB_IP));
        }
        trail.record(event(AuditType.AUTH_FAILURE, AuditEvent.Actor.ANONYMOUS, "192.0.2.1"));
        trail.record(event(AuditType.KEY_REVOKED, new AuditEvent.Actor("principal", "key_abc", "acme"), "192.0.2.2"));
        trail.close();
    }

    static AuditEvent event(AuditType type, AuditEvent.Actor actor, String ip) {
        return new AuditEvent(System.currentTimeMillis(), type, null, actor, "x", null, null, null, null, null, ip, Map.of("n", 1));
    }

    @AfterEach
    void tearDown() {
        if (store != null) store.close();
    }

    List<String[]> stored() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bastion.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT id, actor_kind, actor_id, ip FROM audit_events")) {
            while (rs.next()) rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        }
        return rows;
    }

    String cfg() {
        return configFile.toString();
    }

    @Test
    void userActorsAndAddressesAreStoredSealedYetVerifiedSearchedAndShown() throws Exception {
        List<String[]> rows = stored();
        assertThat(rows).hasSize(8);
        for (String[] r : rows) {
            assertThat(r[3]).as("every address sealed").startsWith("enc1:");
            if (r[2] != null && !r[2].equals("key_abc")) assertThat(r[2]).startsWith("enc1:");
        }
        String all = String.join("|", rows.stream().map(r -> String.join("|", r)).toList());
        assertThat(all).doesNotContain(ALICE).doesNotContain(BOB).doesNotContain(ALICE_IP).doesNotContain(BOB_IP).doesNotContain("192.0.2.1")
                .contains("key_abc"); // an API key's id is not personal: plain
        Run verify = run("audit", "verify", "--config", cfg());
        assertThat(verify.exit()).as(verify.err()).isZero();
        Run search = run("audit", "search", "--config", cfg(), "--actor", ALICE, "--format", "jsonl");
        assertThat(search.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"id\":\"" + ALICE + "\"").contains(ALICE_IP));
        assertThat(search.out()).doesNotContain(BOB);
    }

    /** The attack: a sealed member copied into another event (to pin one user's address on another) does not open there. */
    @Test
    void aSealedMemberMovedToAnotherEventDoesNotOpen() throws Exception {
        DataKeys keys = new DataKeys(store.dataKeys(), Keks.of(Keks.master(master)), config.dataProtection(), Clock.systemUTC());
        AuditFieldSealer sealer = new AuditFieldSealer(keys);
        List<AuditRow> events = store.audit().search(dev.bastion.store.AuditRepository.Filter.ALL, 100, true, false);
        AuditRow a = events.stream().filter(r -> r.type().equals("budget.threshold")).findFirst().orElseThrow();
        AuditRow other = events.stream().filter(r -> r.type().equals("budget.threshold") && !r.id().equals(a.id())).findFirst().orElseThrow();
        assertThat(sealer.reveal(a).ip()).isEqualTo(ALICE_IP);
        AuditRow moved = new AuditRow(other.node(), other.seq(), other.id(), other.ts(), other.type(), other.severity(), other.actorKind(), other.actorId(),
                other.actorOrg(), other.action(), other.target(), other.result(), other.reason(), other.requestId(), other.traceId(), a.ip(), other.fields(),
                other.prevHash(), other.hash());
        assertThat(sealer.reveal(moved).ip()).isEqualTo("[unreadable]");
    }

    @Test
    void anExportHoldsEverythingAboutTheUserAndNothingOfAnotherOrgOrAnySecret() throws Exception {
        Path file = dir.resolve("alice.json");
        Run r = run("data", "export", "--config", cfg(), "--user", ALICE, "--out", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = Files.readString(file);
        JsonObject doc = new JsonObject(text);
        assertThat(doc.getString("schema")).isEqualTo("bastion.subject_export.v1");
        assertThat(doc.getJsonObject("subject").getString("id")).isEqualTo(ALICE);
        assertThat(doc.getJsonObject("tables").getJsonArray("users").getJsonObject(0).getString("external_id")).isEqualTo(ALICE_EMAIL);
        assertThat(doc.getJsonObject("tables").getJsonArray("llm_usage")).hasSize(1);
        assertThat(doc.getJsonObject("tables").getJsonArray("issued_tokens").getJsonObject(0).getString("jti")).isEqualTo("jti-alice-1");
        assertThat(doc.getJsonArray("audit_events")).hasSize(3);
        assertThat(doc.getJsonArray("audit_events").getJsonObject(0).getString("ip")).isEqualTo(ALICE_IP);
        assertThat(doc.getJsonArray("data_keys").getJsonObject(0).getString("scope")).isEqualTo("user:" + ALICE);
        assertThat(text).doesNotContain(BOB).doesNotContain(BOB_IP).doesNotContain("\"other\"").doesNotContain("wrapped").doesNotContain("enc1:");
        for (var k : store.dataKeys().versions("user:" + ALICE)) assertThat(text).doesNotContain(k.wrappedKey());

        Run org = run("data", "export", "--config", cfg(), "--org", "acme");
        assertThat(org.exit()).as(org.err()).isZero();
        assertThat(org.out()).contains(ALICE).contains(ALICE_IP).contains("key_abc").doesNotContain(BOB).doesNotContain(BOB_IP).doesNotContain("key_hash")
                .doesNotContain("wrapped");
        Run audit = run("audit", "search", "--config", cfg(), "--type", "data.export");
        assertThat(audit.out().lines()).hasSize(2).anySatisfy(l -> assertThat(l).contains("user:" + ALICE)).anySatisfy(l -> assertThat(l).contains("org:acme"));
        assertThat(run("data", "export", "--config", cfg(), "--user", "usr_nobody").exit()).isEqualTo(1);
    }

    @Test
    void deletingAUserShredsTheirEventsWhichStillVerifyAndLeavesOthersAlone() throws Exception {
        Run d = run("data", "delete", "--config", cfg(), "--user", ALICE);
        assertThat(d.exit()).as(d.err()).isZero();
        assertThat(d.out()).contains("1 user rows, 1 usage rows, 1 token records; 1 data keys destroyed");
        assertThat(store.users().findById(ALICE)).isEmpty();
        assertThat(store.users().findById(BOB)).isPresent();
        assertThat(store.subjects().find(dev.bastion.store.SubjectRepository.Of.USAGE_OF_SUBJECT, "user:" + ALICE)).isEmpty();
        assertThat(store.subjects().find(dev.bastion.store.SubjectRepository.Of.USAGE_OF_SUBJECT, "user:" + BOB)).hasSize(1);

        Run verify = run("audit", "verify", "--config", cfg());
        assertThat(verify.exit()).as("the chain still verifies: it covers the sealed form, which is unchanged; " + verify.err()).isZero();
        Path export = dir.resolve("trail.jsonl");
        assertThat(run("audit", "export", "--config", cfg(), "--output", export.toString()).exit()).isZero();
        assertThat(Files.readString(export)).as("an export keeps the sealed form").doesNotContain(ALICE_IP).doesNotContain(BOB_IP).contains("enc1:");
        Run verifyExport = run("audit", "verify", "--export", export.toString());
        assertThat(verifyExport.exit()).as(verifyExport.err()).isZero();
        Run thresholds = run("audit", "search", "--config", cfg(), "--type", "budget.threshold", "--format", "jsonl");
        assertThat(thresholds.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"id\":\"[shredded]\"").contains("\"ip\":\"[shredded]\""));
        assertThat(run("audit", "search", "--config", cfg(), "--type", "guard.block", "--format", "jsonl").out().lines())
                .hasSize(3).allSatisfy(l -> assertThat(l).contains(BOB).contains(BOB_IP));
        assertThat(run("audit", "search", "--config", cfg(), "--actor", ALICE).out()).as("the blind index died with the key").doesNotContain("budget.threshold");
        assertThat(run("audit", "search", "--config", cfg(), "--type", "data.delete").out()).contains("user:" + ALICE);
        assertThat(run("audit", "search", "--config", cfg(), "--type", "revocation.created").out()).as("tokens in flight refused").contains(ALICE);

        // The attack: the database and the master key, and still nothing opens.
        DataKeys withMaster = new DataKeys(store.dataKeys(), Keks.of(Keks.master(master)), config.dataProtection(), Clock.systemUTC());
        String sealedIp = stored().stream().filter(r -> r[2] != null && r[2].startsWith("enc1:")).map(r -> r[3]).findFirst().orElseThrow();
        AuditRow anyAlice = store.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "budget.threshold", null, null, null), 1, true, false)
                .getFirst();
        assertThatThrownBy(() -> withMaster.openText("audit:ip:" + anyAlice.id(), anyAlice.ip())).isInstanceOf(DataKeyException.Shredded.class);
        assertThat(sealedIp).doesNotContain(ALICE_IP);
        assertThat(run("data", "delete", "--config", cfg(), "--user", ALICE).exit()).as("nothing left to delete").isEqualTo(1);
    }

    /** Retention's inactive users are forgotten as a subject deletion forgets them: rows gone and their keys destroyed. */
    @Test
    void anInactiveUserRemovedByRetentionIsCryptoShredded() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bastion.db"))) {
            c.createStatement().executeUpdate("UPDATE users SET last_seen = 0 WHERE id = '" + ALICE + "'"); // not seen since 1970
        }
        Run purge = run("data", "purge", "--config", cfg(), "--class", "users_inactive");
        assertThat(purge.exit()).as(purge.err()).isZero();
        assertThat(store.users().findById(ALICE)).isEmpty();
        assertThat(store.users().findById(BOB)).as("seen now: kept").isPresent();
        assertThat(store.subjects().find(dev.bastion.store.SubjectRepository.Of.USAGE_OF_SUBJECT, "user:" + ALICE)).isEmpty();
        assertThat(store.dataKeys().versions(DataKeys.userScope(ALICE))).isNotEmpty()
                .allSatisfy(k -> assertThat(k.state()).isEqualTo(dev.bastion.store.DataKeyRecord.DESTROYED));
        assertThat(run("audit", "search", "--config", cfg(), "--type", "budget.threshold", "--format", "jsonl").out().lines())
                .hasSize(3).allSatisfy(l -> assertThat(l).contains("\"id\":\"[shredded]\""));
        Run verify = run("audit", "verify", "--config", cfg());
        assertThat(verify.exit()).as(verify.err()).isZero();
    }
}
