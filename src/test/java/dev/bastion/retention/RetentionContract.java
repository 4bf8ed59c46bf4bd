package dev.bastion.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditExport;
import dev.bastion.audit.AuditRecords;
import dev.bastion.audit.AuditSource;
import dev.bastion.audit.AuditType;
import dev.bastion.audit.AuditVerifier;
import dev.bastion.audit.CheckpointSigner;
import dev.bastion.config.RetentionConfig;
import dev.bastion.config.RetentionPeriod;
import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRetentionCut;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import dev.bastion.store.User;
import dev.bastion.tokens.MasterKey;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention (D2) against a real store: each class goes at its cutoff and not a millisecond before, a dry run
 * deletes nothing, and the audit trail loses only a prefix up to a signed checkpoint older than its retention —
 * after which {@code audit verify} still proves the rest and reports the cut, while every deletion outside that
 * rule is still caught (by the database, and by verify when the database's owner goes around it). Each test has a
 * fresh store; time is a fixed clock, never a sleep.
 */
abstract class RetentionContract {
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final Duration DAY = Duration.ofDays(1);
    static MasterKey master;

    static {
        try {
            master = MasterKey.fromKeysetJson(MasterKey.generateKeysetJson());
        } catch (java.security.GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @TempDir
    Path dir;
    Store store;
    /** This node's access_log.dir for the jobs of a test; null: stdout. */
    Path accessLogDir;
    final List<AuditEvent> recorded = new CopyOnWriteArrayList<>();

    /** A fresh, migrated store for one test. */
    protected abstract Store openStore() throws Exception;

    /** A connection as the application has it: the triggers apply. */
    protected abstract Connection app() throws Exception;

    /** A connection past the append-only triggers, as the database's owner could get. */
    protected abstract Connection attacker() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    RetentionJob job(Instant now, RetentionConfig config) {
        return new RetentionJob(store, config, Clock.fixed(now, ZoneOffset.UTC),
                () -> CheckpointSigner.load(store, master, "purger", now.toEpochMilli()), "purger", recorded::add, accessLogDir, null);
    }

    RetentionJob job(Instant now) {
        return job(now, RetentionConfig.DEFAULTS);
    }

    static RetentionConfig batches(int size) {
        return new RetentionConfig(null, null, size, null, null, null, null);
    }

    // --- the table classes ---------------------------------------------------------------------------------------

    /**
     * For each table class, one row due at {@code NOW} (a millisecond past its cutoff) and one exactly at it, which
     * stays; and an expired token revocation, which is the revocation feed's to remove, not retention's.
     */
    void tableFixture(Instant now) {
        store.orgs().ensure("acme");
        Instant usageCutoff = now.minus(Duration.ofDays(400));
        store.usage().add("r1", "due", "acme", usageCutoff.minus(Duration.ofDays(30)), 10, 0, usageCutoff.minusMillis(1));
        store.usage().add("r1", "kept", "acme", usageCutoff.minus(Duration.ofDays(30)), 10, 0, usageCutoff);
        Instant userCutoff = now.minus(Duration.ofDays(365));
        store.users().insertIfAbsent(new User("u-due", "acme", "https://idp", "sub-due", null, userCutoff.minus(DAY), userCutoff.minusMillis(1)));
        store.users().insertIfAbsent(new User("u-kept", "acme", "https://idp", "sub-kept", null, userCutoff.minus(DAY), userCutoff));
        store.users().insertIfAbsent(new User("u-revoked", "acme", "https://idp", "sub-revoked", null, userCutoff.minus(DAY), userCutoff.minusMillis(1)));
        store.revocations().insert(new Revocation("rv-user", Revocation.Kind.USER, "u-revoked", "acme", userCutoff.minus(DAY), null));
        store.revocations().insert(new Revocation("rv-token", Revocation.Kind.TOKEN, "jti-1", "acme", now.minus(Duration.ofDays(500)), now.minus(Duration.ofDays(499))));
    }

    List<String> ids(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = app(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    @Test
    void eachClassGoesAtItsCutoffAndNotAMillisecondBefore() throws Exception {
        tableFixture(NOW);
        RetentionJob.Report r = job(NOW).run(false, Set.of());
        assertThat(r.skipped()).isFalse();
        assertThat(r.rows(DataClass.USAGE)).isEqualTo(1);
        assertThat(r.rows(DataClass.USERS_INACTIVE)).isEqualTo(1);
        assertThat(ids("SELECT subject FROM llm_usage")).containsExactly("kept");
        assertThat(ids("SELECT id FROM users ORDER BY id")).as("a user a revocation names is kept: forgotten, it would sign in again under a new id")
                .containsExactly("u-kept", "u-revoked");
        assertThat(ids("SELECT id FROM revocations ORDER BY id")).as("not a retention class").containsExactly("rv-token", "rv-user");
        assertThat(recorded).extracting(e -> e.type().wire() + " " + e.target()).containsExactlyInAnyOrder("data.purge usage", "data.purge users_inactive");

        // a millisecond later, the rows that sat exactly at the cutoff are past it
        RetentionJob.Report later = job(NOW.plusMillis(1)).run(false, Set.of());
        assertThat(later.rows(DataClass.USAGE) + later.rows(DataClass.USERS_INACTIVE)).isEqualTo(2);
        assertThat(ids("SELECT subject FROM llm_usage")).isEmpty();
        assertThat(ids("SELECT id FROM users")).containsExactly("u-revoked");
    }

    @Test
    void aClassThatIsOffOrNotAskedForIsKept() throws Exception {
        tableFixture(NOW);
        RetentionConfig usageOff = new RetentionConfig(null, null, null, null, RetentionPeriod.OFF, null, null);
        RetentionJob.Report r = job(NOW.plus(Duration.ofDays(3650)), usageOff).run(false, Set.of(DataClass.USAGE));
        assertThat(r.classes()).singleElement().satisfies(c -> assertThat(c.dataClass()).isEqualTo(DataClass.USAGE))
                .satisfies(c -> assertThat(c.cutoff()).as("off").isNull());
        assertThat(ids("SELECT subject FROM llm_usage")).as("off: kept for ever").hasSize(2);
        assertThat(ids("SELECT id FROM users")).as("not asked for").hasSize(3);
        assertThat(recorded).isEmpty();
    }

    @Test
    void bigPurgesGoInBatches() throws Exception {
        store.orgs().ensure("acme");
        for (int i = 0; i < 250; i++) store.usage().add("r1", "s" + i, "acme", NOW.minus(Duration.ofDays(500)), 1, 0, NOW.minus(Duration.ofDays(450)));
        store.usage().add("r1", "recent", "acme", NOW.minus(DAY), 1, 0, NOW.minus(DAY));
        RetentionJob.Report r = job(NOW, batches(100)).run(false, Set.of(DataClass.USAGE));
        assertThat(r.rows(DataClass.USAGE)).isEqualTo(250);
        assertThat(ids("SELECT subject FROM llm_usage")).containsExactly("recent");
    }

    @Test
    void aDryRunCountsAndDeletesNothing() throws Exception {
        tableFixture(NOW);
        trail("n1", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofDays(10)));
        RetentionJob.Report r = job(NOW).run(true, Set.of());
        assertThat(r.dryRun()).isTrue();
        assertThat(r.rows(DataClass.USAGE)).isEqualTo(1);
        assertThat(r.rows(DataClass.USERS_INACTIVE)).isEqualTo(1);
        assertThat(r.rows(DataClass.AUDIT)).isEqualTo(10);
        assertThat(r.classes()).filteredOn(c -> c.dataClass() == DataClass.AUDIT).singleElement()
                .satisfies(c -> assertThat(c.cutoff()).isEqualTo(NOW.minus(Duration.ofDays(365))))
                .satisfies(c -> assertThat(c.details()).singleElement().asString().contains("n1: 10 events up to seq 10 (checkpoint 2"));
        assertThat(ids("SELECT subject FROM llm_usage")).hasSize(2);
        assertThat(ids("SELECT id FROM users")).hasSize(3);
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).hasSize(15);
        assertThat(store.audit().cuts(null)).isEmpty();
        assertThat(recorded).as("a dry run records no purge").isEmpty();
    }

    // --- the audit trail -----------------------------------------------------------------------------------------

    /** Five events per checkpoint, one checkpoint signed at each of {@code checkpointTimes}, the events a second before it. */
    void trail(String node, Instant... checkpointTimes) {
        CheckpointSigner signer = CheckpointSigner.load(store, master, node, checkpointTimes[0].toEpochMilli());
        AuditCheckpoint prev = store.audit().lastCheckpoint(node).orElse(null);
        for (Instant t : checkpointTimes) {
            List<AuditRow.Unchained> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                events.add(AuditRecords.toRow("ev-" + UUID.randomUUID(), new AuditEvent(t.toEpochMilli() - 1000, AuditType.KEY_CREATED, null,
                        AuditEvent.Actor.operator("cli"), "created", "key-" + i, null, null, null, null, null, Map.of("n", i))));
            }
            List<AuditRow> rows = store.audit().append(node, events, false);
            AuditRow head = rows.getLast();
            AuditCheckpoint cp = signer.sign(node, prev, head.seq(), head.hash(), t.toEpochMilli());
            store.audit().insertCheckpoint(cp);
            prev = cp;
        }
    }

    AuditVerifier.Report verify(String node) {
        return AuditSource.fromStore(store, node, null, null).verify(List.of());
    }

    /** Fifteen events on {@code node}, checkpoints at seq 5 (400 days ago), 10 (366 days ago) and 15 (10 days ago); purged at {@code NOW}. */
    void purgedTrail(String node) {
        trail(node, NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofDays(10)));
        RetentionJob.Report r = job(NOW).run(false, Set.of(DataClass.AUDIT));
        assertThat(r.rows(DataClass.AUDIT)).isEqualTo(10);
    }

    void sql(String sql, Object... args) throws Exception {
        try (Connection c = attacker(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    @Test
    void theAuditTrailLosesOnlyAPrefixUpToASignedCheckpointOlderThanItsRetention() throws Exception {
        trail("n1", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofDays(10)));
        // 34 days earlier only the first checkpoint was older than a year
        RetentionJob.Report early = job(NOW.minus(Duration.ofDays(34))).run(false, Set.of(DataClass.AUDIT));
        assertThat(early.rows(DataClass.AUDIT)).isEqualTo(5);
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).extracting(AuditRow::seq).first().isEqualTo(6L);
        // a checkpoint signed exactly at the cutoff is not older than the retention
        assertThat(job(NOW.minus(Duration.ofDays(1))).run(false, Set.of(DataClass.AUDIT)).rows(DataClass.AUDIT)).isZero();

        RetentionJob.Report r = job(NOW).run(false, Set.of(DataClass.AUDIT));
        assertThat(r.rows(DataClass.AUDIT)).isEqualTo(5);
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).extracting(AuditRow::seq).containsExactly(11L, 12L, 13L, 14L, 15L);
        assertThat(store.audit().cuts("n1")).extracting(AuditRetentionCut::upToSeq, AuditRetentionCut::cseq, AuditRetentionCut::purgedBy)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(5L, 1L, "purger"), org.assertj.core.groups.Tuple.tuple(10L, 2L, "purger"));
        assertThat(store.audit().checkpoints("n1")).as("checkpoints are kept: they are what the rest is proved from").hasSize(3);
        assertThat(recorded).filteredOn(e -> e.type() == AuditType.DATA_PURGE).hasSize(2)
                .allSatisfy(e -> assertThat(e.target()).isEqualTo("audit:n1"));

        AuditVerifier.Report v = verify("n1");
        assertThat(v.problems()).isEmpty();
        assertThat(v.notes()).anySatisfy(n -> assertThat(n).contains("n1: 5 events (seq 11..15); events 1..10 removed by retention (cut recorded")
                .contains("by purger, anchored on checkpoint 2)").contains("3 checkpoints, signed up to seq 15"));

        assertThat(AuditSource.fromStore(store, "n1", NOW.minus(Duration.ofDays(20)).toEpochMilli(), null).verify(List.of()).problems())
                .as("a time range after the cut").isEmpty();
        // the export carries the cuts, so it verifies alone
        StringWriter w = new StringWriter();
        AuditExport.write(store, new dev.bastion.store.AuditRepository.Filter("n1", null, null, null, null, null, null), "jsonl", w);
        Path export = Files.writeString(dir.resolve("n1.jsonl"), w.toString(), StandardCharsets.UTF_8);
        assertThat(AuditSource.fromExport(export).verify(List.of()).problems()).isEmpty();
    }

    @Test
    void aPurgedTrailStillVerifiesAgainstItsWitness() throws Exception {
        Path witness = dir.resolve("witness.jsonl");
        purgedTrail("n1");
        trail("purger", NOW); // the purging node's own checkpoints reach the witness with its key, as a gateway's do
        for (String node : List.of("n1", "purger")) {
            String key = store.audit().keys().stream().filter(k -> k.node().equals(node)).findFirst().orElseThrow().publicKey();
            for (AuditCheckpoint cp : store.audit().checkpoints(node)) dev.bastion.audit.CheckpointWitness.file(witness).publish(cp, key);
        }
        AuditVerifier.Report v = AuditSource.fromStore(store, null, null, null).verify(AuditSource.witnessed(witness));
        assertThat(v.problems()).isEmpty();
        assertThat(v.notes()).anySatisfy(n -> assertThat(n).contains("n1: 5 events (seq 11..15); events 1..10 removed by retention")
                .contains("3 checkpoints, 3 witnessed"));
    }

    @Test
    void theFirstKeptEventReplacedIsCaught() throws Exception {
        purgedTrail("n1");
        sql("UPDATE audit_events SET prev_hash = ? WHERE node = 'n1' AND seq = 11", AuditRow.GENESIS);
        assertThat(verify("n1").problems()).anySatisfy(p -> assertThat(p)
                .contains("seq 11: prev_hash is not the head signed by checkpoint 2, the retention cut's anchor (the first kept event was replaced)"));
    }

    @Test
    void theDatabaseRefusesDeletingBeyondTheCut() throws Exception {
        purgedTrail("n1");
        trail("n2", NOW.minus(Duration.ofDays(400)));
        try (Connection c = app()) {
            for (String sql : List.of("DELETE FROM audit_events WHERE node = 'n1' AND seq = 11", "DELETE FROM audit_events WHERE node = 'n2' AND seq = 1",
                    "UPDATE audit_events SET target = 'x' WHERE node = 'n1'", "DELETE FROM audit_retention_cuts WHERE node = 'n1'",
                    "UPDATE audit_retention_cuts SET up_to_seq = 15 WHERE node = 'n1'", "DELETE FROM audit_checkpoints WHERE node = 'n1'")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.executeUpdate();
                    throw new AssertionError("not refused: " + sql);
                } catch (SQLException refused) {
                    assertThat(refused.getMessage()).as(sql).contains("append-only");
                }
            }
        }
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).hasSize(5);
        assertThat(store.audit().chain("n2", 1, Long.MAX_VALUE)).hasSize(5);
        assertThat(verify("n1").problems()).isEmpty();
    }

    @Test
    void aMiddleRowDeletedAfterTheCutIsCaught() throws Exception {
        purgedTrail("n1");
        sql("DELETE FROM audit_events WHERE node = 'n1' AND seq = 13");
        assertThat(verify("n1").problems()).anySatisfy(p -> assertThat(p).contains("seq 13 missing (deleted) before seq 14"));
    }

    @Test
    void rowsNewerThanTheCutDeletedAreCaught() throws Exception {
        purgedTrail("n1");
        sql("DELETE FROM audit_events WHERE node = 'n1' AND seq <= 12");
        assertThat(verify("n1").problems()).singleElement().asString()
                .contains("the trail starts at seq 13 but the retention cut ends at seq 10: events 11..12 were deleted");
    }

    @Test
    void aPrefixDeletedWithoutARecordedCutIsCaught() throws Exception {
        trail("n1", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofDays(10)));
        sql("DELETE FROM audit_events WHERE node = 'n1' AND seq <= 10");
        assertThat(verify("n1").problems()).singleElement().asString().contains("the trail starts at seq 11, not 1: events 1..10 were deleted");
    }

    @Test
    void aCutMadeUpOrEditedByTheDatabasesOwnerCountsForNothing() throws Exception {
        purgedTrail("n1");
        AuditRetentionCut real = store.audit().cuts("n1").getFirst();
        // the owner moves the cut up to the newest checkpoint (keeping the real signature) and deletes the rest
        sql("INSERT INTO audit_retention_cuts (node, up_to_seq, cseq, anchor_hash, ts, purged_by, kid, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                "n1", 15L, 3L, store.audit().checkpoints("n1").get(2).headHash(), real.ts(), real.purgedBy(), real.kid(), real.signature());
        // and one signed by a key of their own, which the trail does not know
        AuditRetentionCut forged;
        try (Store elsewhere = openStore()) { // a key the trail's store never held
            forged = CheckpointSigner.load(elsewhere, master, "purger", NOW.toEpochMilli()).signCut(store.audit().checkpoints("n1").get(2), "purger", NOW.toEpochMilli());
        }
        sql("INSERT INTO audit_retention_cuts (node, up_to_seq, cseq, anchor_hash, ts, purged_by, kid, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                "n1", 16L, forged.cseq(), forged.anchorHash(), forged.ts(), forged.purgedBy(), forged.kid(), forged.signature());
        sql("DELETE FROM audit_events WHERE node = 'n1'");
        List<String> problems = verify("n1").problems();
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("retention cut up to seq 15: signature invalid (forged or edited)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("retention cut up to seq 16: signed by an unknown key"));
        assertThat(problems).as("the real cut still holds, so what went beyond it is a truncation")
                .anySatisfy(p -> assertThat(p).contains("checkpoint 3 signs seq 15 but the trail ends at seq 0 (truncated"));
    }

    @Test
    void aTrailThatDoesNotVerifyIsNotPurged() throws Exception {
        trail("n1", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofDays(10)));
        sql("UPDATE audit_events SET actor_id = 'someone-else' WHERE node = 'n1' AND seq = 7");
        RetentionJob.Report r = job(NOW).run(false, Set.of(DataClass.AUDIT));
        assertThat(r.rows(DataClass.AUDIT)).isZero();
        assertThat(r.classes()).singleElement().satisfies(c -> assertThat(c.failed()).isTrue())
                .satisfies(c -> assertThat(c.details()).singleElement().asString().contains("n1: not purged: seq 7 does not match its hash"));
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).as("the evidence is kept").hasSize(15);
        assertThat(store.audit().cuts("n1")).isEmpty();
        assertThat(recorded).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("trail_not_intact"));
        assertThat(verify("n1").problems()).anySatisfy(p -> assertThat(p).contains("seq 7 (key.created): content does not match its hash"));
    }

    @Test
    void aPurgeInterruptedAfterItsCutIsFinishedByTheNextRunAndVerifiesMeanwhile() throws Exception {
        trail("n1", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofDays(10)));
        // what a run that stopped right after recording its cut and one batch leaves
        AuditCheckpoint anchor = store.audit().checkpoints("n1").get(1);
        store.audit().insertCut(CheckpointSigner.load(store, master, "purger", NOW.toEpochMilli()).signCut(anchor, "purger", NOW.toEpochMilli()));
        assertThat(store.audit().deleteCovered("n1", 10, 4)).isEqualTo(4);
        AuditVerifier.Report half = verify("n1");
        assertThat(half.problems()).isEmpty();
        assertThat(half.notes()).anySatisfy(n -> assertThat(n).contains("6 of them still being purged"));

        assertThat(job(NOW).run(false, Set.of(DataClass.AUDIT)).rows(DataClass.AUDIT)).isEqualTo(6);
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).extracting(AuditRow::seq).first().isEqualTo(11L);
        assertThat(verify("n1").problems()).isEmpty();
    }

    @Test
    void aChainPurgedUpToItsHeadContinuesAfterItsCut() throws Exception {
        // a node idle for over a year (or the CLI's chain, which signs a checkpoint after each command): every event goes
        trail("idle", NOW.minus(Duration.ofDays(420)), NOW.minus(Duration.ofDays(400)));
        assertThat(job(NOW).run(false, Set.of(DataClass.AUDIT)).rows(DataClass.AUDIT)).isEqualTo(10);
        assertThat(store.audit().chain("idle", 1, Long.MAX_VALUE)).isEmpty();
        assertThat(verify("idle").problems()).isEmpty();
        assertThat(verify("idle").notes()).anySatisfy(n -> assertThat(n).contains("idle: no events; events 1..10 removed by retention"));

        trail("idle", NOW.plus(DAY)); // the node comes back
        assertThat(store.audit().chain("idle", 1, Long.MAX_VALUE)).extracting(AuditRow::seq).containsExactly(11L, 12L, 13L, 14L, 15L);
        assertThat(store.audit().chain("idle", 11, 11).getFirst().prevHash()).isEqualTo(store.audit().cuts("idle").getFirst().anchorHash());
        assertThat(verify("idle").problems()).isEmpty();
    }

    @Test
    void theNextEventsAfterAPurgeStillChainAndVerify() throws Exception {
        purgedTrail("n1");
        trail("n1", NOW.plus(DAY));
        assertThat(store.audit().chain("n1", 1, Long.MAX_VALUE)).extracting(AuditRow::seq).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(verify("n1").problems()).isEmpty();
    }

    @Test
    void checkingAPrefixBeforePurgingItScalesLinearly() throws Exception {
        List<Store> stores = new ArrayList<>();
        try {
            dev.bastion.testing.Scaling.assertLinear("an audit dry run (the prefix verified page by page)", 1500, n -> {
                try {
                    Store s = openStore();
                    stores.add(s);
                    CheckpointSigner signer = CheckpointSigner.load(s, master, "big", NOW.toEpochMilli());
                    AuditRow head = null;
                    for (int done = 0; done < n; done += 500) {
                        List<AuditRow.Unchained> events = new ArrayList<>();
                        for (int i = 0; i < 500; i++) {
                            events.add(AuditRecords.toRow("ev-" + UUID.randomUUID(), new AuditEvent(NOW.minus(Duration.ofDays(500)).toEpochMilli(),
                                    AuditType.KEY_CREATED, null, AuditEvent.Actor.operator("cli"), "created", "key-" + i, null, null, null, null, null, Map.of())));
                        }
                        head = s.audit().append("big", events, false).getLast();
                    }
                    s.audit().insertCheckpoint(signer.sign("big", null, head.seq(), head.hash(), NOW.minus(Duration.ofDays(400)).toEpochMilli()));
                    return new RetentionJob(s, RetentionConfig.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC), () -> signer, "purger", e -> {}, null, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, j -> {
                long rows = j.run(true, Set.of(DataClass.AUDIT)).rows(DataClass.AUDIT);
                assertThat(rows).isPositive();
                return rows;
            });
        } finally {
            stores.forEach(Store::close);
        }
    }
}
