package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.AuditConfig;
import dev.bastion.config.ByteSize;
import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.testing.Eventually;
import dev.bastion.tokens.MasterKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer: batches into the store, checkpoints, the event(name, fields) mapping, and the spool while SQLite refuses writes. */
class AuditWriterTest {
    @TempDir
    Path dir;

    static MasterKey master() throws Exception {
        return MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
    }

    static AuditConfig config(String node, Path spool, long spoolMax, int every) {
        return new AuditConfig(true, node, 1024, 100, Duration.ofMillis(20), Duration.ofMillis(100), AuditConfig.OnFailure.REFUSE, false, 2,
                new AuditConfig.Spool(spool.toString(), new ByteSize(spoolMax)), new AuditConfig.Checkpoint(every, Duration.ofSeconds(60), null, null), null);
    }

    @Test
    void eventsAreStoredTypedChainedAndCheckpointed() throws Exception {
        MasterKey mk = master();
        Path witness = dir.resolve("witness.jsonl");
        try (Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()))) {
            AuditConfig c = new AuditConfig(true, "gw-1", 1024, 100, Duration.ofMillis(20), Duration.ofMillis(100), null, false, 2,
                    new AuditConfig.Spool(dir.resolve("spool").toString(), null), new AuditConfig.Checkpoint(50, null, witness.toString(), null), null);
            AuditTrail trail = AuditTrail.start(c, store, () -> mk, new SimpleMeterRegistry(), null);
            for (int i = 0; i < 240; i++) {
                trail.event("egress_denied", Map.of("caller", "upstream", "host", "metadata.internal", "port", 80, "class", "metadata", "i", i));
            }
            trail.event("waf.block", new LinkedHashMap<>(Map.of("request_id", "r-1", "route", "chat", "org", "acme", "rules", List.of("941100", "942100"))));
            trail.event("secret_rotated", Map.of("ref", "upstreams.openai.api_key"));
            trail.event("budget.threshold", Map.of("rule", "monthly", "subject", "org:acme", "threshold", 0.8, "used", "12.50"));
            trail.event("something_new", Map.of("n", 1));
            for (int i = 0; i < 5; i++) trail.authFailure("198.51.100.7", "r-a" + i, "invalid_api_key", "chat");
            assertThat(trail.writer().drain(10_000)).isTrue();
            trail.close();

            List<AuditRow> rows = store.audit().chain("gw-1", 1, Long.MAX_VALUE);
            assertThat(rows).hasSize(240 + 4 + 2);
            assertThat(rows.getFirst().type()).isEqualTo("egress.denied");
            assertThat(rows.getFirst().target()).isEqualTo("metadata.internal:80");
            assertThat(rows.getFirst().result()).isEqualTo("denied");
            assertThat(rows.getFirst().actorKind()).isEqualTo("system");
            assertThat(rows.getFirst().fields()).isEqualTo("{\"caller\":\"upstream\",\"class\":\"metadata\",\"i\":0}");
            AuditRow waf = rows.get(240);
            assertThat(waf.type()).isEqualTo("waf.block");
            assertThat(waf.requestId()).isEqualTo("r-1");
            assertThat(waf.actorOrg()).isEqualTo("acme");
            assertThat(waf.fields()).contains("\"rules\":\"941100,942100\"");
            assertThat(rows.get(241).type()).isEqualTo("secret.rotated");
            assertThat(rows.get(241).target()).isEqualTo("upstreams.openai.api_key");
            assertThat(rows.get(242).fields()).contains("\"threshold\":\"0.8\"");
            assertThat(rows.get(243).type()).isEqualTo("other");
            assertThat(rows.get(243).action()).isEqualTo("something_new");
            // 5 failures from one IP, 2 recorded per minute (audit.auth_failure_sample: 2), all counted
            assertThat(rows.subList(244, 246)).allSatisfy(r -> {
                assertThat(r.type()).isEqualTo("auth.failure");
                assertThat(r.ip()).isEqualTo("198.51.100.7");
            });
            assertThat(trail.authFailuresCounted()).isEqualTo(5);

            List<dev.bastion.store.AuditCheckpoint> cps = store.audit().checkpoints("gw-1");
            // one after each batch that brings the count since the last to 50, one at close for a shorter tail: 246 events
            // in batches of at most 100 give at least two (how many more depends on how the writer's batches fell)
            assertThat(cps.size()).as("one after each batch that reaches 50 events, one at close").isGreaterThanOrEqualTo(2);
            assertThat(cps.getLast().seq()).as("the tail is signed at close").isEqualTo(rows.size());
            AuditVerifier.Report r = AuditSource.fromStore(store, null, null, null).verify(AuditSource.witnessed(witness));
            assertThat(r.problems()).isEmpty();
            assertThat(Files.readAllLines(witness)).hasSize(cps.size());
        }
    }

    @Test
    void whileSqliteRefusesWritesEventsAreSpooledThenStoredInOrderAndAFullSpoolIsLoud() throws Exception {
        MasterKey mk = master();
        Path db = dir.resolve("b.db");
        Path spool = dir.resolve("audit-spool.jsonl");
        try (Store store = Store.open(new StoreConfig("sqlite:" + db, null, null, null), new SecretResolver(Map.of()))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            AuditTrail trail = AuditTrail.start(config("gw-spool", spool, 16 * 1024, 1000), store, () -> mk, registry, null);
            for (int i = 0; i < 10; i++) trail.event("egress_fetch", Map.of("i", i, "route", "preview"));
            assertThat(trail.writer().drain(5_000)).isTrue();
            assertThat(store.audit().head("gw-spool").orElseThrow().seq()).isEqualTo(10);

            // Another process takes SQLite's write lock and keeps it: the writer's transaction times out (busy_timeout)
            try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = locker.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                for (int i = 10; i < 40; i++) trail.event("egress_fetch", Map.of("i", i, "route", "preview"));
                // all of 10..39 spooled before the flood below: which of a full spool's events are dropped is not this test's point
                Eventually.until("the batch spooled", () -> Files.exists(spool) && spooled(spool).contains(39L));
                assertThat(trail.writer().storeUp()).isFalse();
                assertThat(registry.get("bastion.audit.store.up").gauge().value()).isZero();
                assertThat(trail.deliverable()).isTrue();
                // fill the 16 KiB spool: events beyond it are dropped, counted, and the trail is no longer deliverable
                for (int i = 40; i < 400; i++) trail.event("egress_fetch", Map.of("i", i, "route", "preview"));
                Eventually.until("the spool full", () -> !trail.deliverable());
                assertThat(registry.get("bastion.audit.spool.full").gauge().value()).isEqualTo(1.0);
                assertThat(registry.get("bastion.audit.events").tag("outcome", "dropped").counter().count()).isPositive();
                s.execute("ROLLBACK");
            }
            Eventually.until("the spool stored", () -> trail.writer().storeUp() && Files.size(spool) == 0);
            assertThat(trail.deliverable()).isTrue();
            trail.event("egress_fetch", Map.of("i", 1000, "route", "preview"));
            assertThat(trail.writer().drain(10_000)).isTrue();
            trail.close();

            List<AuditRow> rows = store.audit().chain("gw-spool", 1, Long.MAX_VALUE);
            List<Long> order = rows.stream().filter(r -> r.type().equals("egress.fetch")).map(r -> Long.parseLong(r.fields().replaceAll(".*\"i\":(\\d+).*", "$1"))).toList();
            assertThat(order).isSorted().startsWith(0L, 1L, 2L).endsWith(1000L);
            assertThat(order).contains(10L, 39L); // the spooled ones, in order
            assertThat(rows).anySatisfy(r -> assertThat(r.type()).isEqualTo("audit.spooled"));
            assertThat(rows).anySatisfy(r -> {
                assertThat(r.type()).isEqualTo("audit.dropped");
                assertThat(r.severity()).isEqualTo("critical");
            });
            assertThat(AuditSource.fromStore(store, "gw-spool", null, null).verify(List.of()).problems()).isEmpty();
        }
    }

    /** The {@code i} field of every event in the spool, however the line nests it. */
    private static List<Long> spooled(Path spool) throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\\\?\"i\\\\?\":(\\d+)").matcher(Files.readString(spool));
        List<Long> out = new java.util.ArrayList<>();
        while (m.find()) out.add(Long.parseLong(m.group(1)));
        return out;
    }

    @Test
    void aSpoolLeftByACrashIsStoredFirstAtTheNextStartAndNotTwice() throws Exception {
        MasterKey mk = master();
        Path spool = dir.resolve("audit-spool.jsonl");
        try (Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("b.db"), null, null, null), new SecretResolver(Map.of()))) {
            // a spool as a crashed node left it: two events, the second already stored before the crash, and a torn last line
            AuditRow.Unchained a = AuditRecords.toRow("crash-a", AuditEvent.of(AuditType.CONFIG_LOADED, null, null, Map.of("i", 1)));
            AuditRow.Unchained b = AuditRecords.toRow("crash-b", AuditEvent.of(AuditType.CONFIG_LOADED, null, null, Map.of("i", 2)));
            store.audit().append("gw-crash", List.of(a), false);
            Files.writeString(spool, Spool.toJson(a) + "\n" + Spool.toJson(b) + "\n{\"id\":\"torn");
            AuditTrail trail = AuditTrail.start(config("gw-crash", spool, 1 << 20, 1000), store, () -> mk, new SimpleMeterRegistry(), null);
            trail.event("egress_fetch", Map.of("i", 3));
            Eventually.until("the spool stored", () -> Files.size(spool) == 0);
            assertThat(trail.writer().drain(5_000)).isTrue();
            trail.close();
            List<AuditRow> rows = store.audit().search(new AuditRepository.Filter("gw-crash", null, null, null, null, null, null), 100, true, false);
            assertThat(rows.stream().map(AuditRow::id).filter(id -> id.startsWith("crash-"))).containsExactly("crash-a", "crash-b");
            assertThat(AuditSource.fromStore(store, "gw-crash", null, null).verify(List.of()).problems()).isEmpty();
        }
    }
}
