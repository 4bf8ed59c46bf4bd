package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of tampering with a stored trail, done with the database's own tools as an attacker with write
 * access would (triggers bypassed), and what {@code audit verify} says about it. Each test has its own node,
 * so its own chain, in one store.
 */
abstract class AuditTamperContract {
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

    protected abstract Store store();

    /** A connection that bypasses the append-only triggers, as the database's owner could. */
    protected abstract Connection attacker() throws Exception;

    /** Ten events on {@code node}, checkpoints at seq 5 and 10, each also appended to a witness file. */
    Path trail(String node) throws Exception {
        Path witness = dir.resolve(node + "-witness.jsonl");
        CheckpointSigner signer = CheckpointSigner.load(store(), master, node, System.currentTimeMillis());
        CheckpointWitness w = CheckpointWitness.file(witness);
        AuditCheckpoint prev = null;
        for (int batch = 0; batch < 2; batch++) {
            List<AuditRow.Unchained> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                events.add(AuditRecords.toRow(AuditRecords.newId(), AuditEvent.of(AuditType.KEY_CREATED, AuditEvent.Actor.operator("cli"),
                        "key-" + batch + i, Map.of("scopes", "invoke", "n", batch * 5 + i))));
            }
            List<AuditRow> rows = store().audit().append(node, events, false);
            AuditRow head = rows.getLast();
            AuditCheckpoint cp = signer.sign(node, prev, head.seq(), head.hash(), System.currentTimeMillis());
            store().audit().insertCheckpoint(cp);
            w.publish(cp, signer.publicKey());
            prev = cp;
        }
        return witness;
    }

    AuditVerifier.Report verify(String node) {
        return AuditSource.fromStore(store(), node, null, null).verify(List.of());
    }

    AuditVerifier.Report verify(String node, Path witness) throws Exception {
        return AuditSource.fromStore(store(), node, null, null).verify(AuditSource.witnessed(witness));
    }

    void sql(String sql, Object... args) throws Exception {
        try (Connection c = attacker(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            ps.executeUpdate();
        }
    }

    AuditRow row(String node, long seq) {
        return store().audit().chain(node, seq, seq).getFirst();
    }

    /** Rewrites every hash of the node's chain from its first row, as an attacker who knows the scheme would. */
    void recomputeChain(String node) throws Exception {
        List<AuditRow> rows = store().audit().chain(node, 1, Long.MAX_VALUE);
        String prev = AuditRow.GENESIS;
        for (AuditRow r : rows) {
            AuditRow fixed = new AuditRow(r.node(), r.seq(), r.id(), r.ts(), r.type(), r.severity(), r.actorKind(), r.actorId(), r.actorOrg(),
                    r.action(), r.target(), r.result(), r.reason(), r.requestId(), r.traceId(), r.ip(), r.fields(), prev, null);
            fixed = fixed.withHash(fixed.expectedHash());
            sql("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE node = ? AND seq = ?", fixed.prevHash(), fixed.hash(), node, r.seq());
            prev = fixed.hash();
        }
    }

    @Test
    void anUntouchedTrailVerifiesAlsoAgainstItsWitness() throws Exception {
        Path witness = trail("n-clean");
        AuditVerifier.Report r = verify("n-clean", witness);
        assertThat(r.problems()).isEmpty();
        assertThat(r.events()).isEqualTo(10);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("10 events (seq 1..10), 2 checkpoints, 2 witnessed, signed up to seq 10"));
    }

    @Test
    void theDatabaseRefusesUpdatesAndDeletesFromTheApplication() throws Exception {
        trail("n-append-only");
        try (Connection c = appConnection()) {
            for (String sql : List.of("UPDATE audit_events SET target = 'x' WHERE node = 'n-append-only'", "DELETE FROM audit_events WHERE node = 'n-append-only'",
                    "DELETE FROM audit_checkpoints WHERE node = 'n-append-only'")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.executeUpdate();
                    throw new AssertionError("not refused: " + sql);
                } catch (java.sql.SQLException refused) {
                    assertThat(refused.getMessage()).contains("append-only");
                }
            }
        }
        assertThat(verify("n-append-only").problems()).isEmpty();
    }

    /** A connection as the application has it (the triggers apply). */
    protected abstract Connection appConnection() throws Exception;

    @Test
    void anEditedFieldIsNamed() throws Exception {
        trail("n-edit");
        sql("UPDATE audit_events SET actor_id = 'someone-else' WHERE node = 'n-edit' AND seq = 3");
        assertThat(verify("n-edit").problems()).singleElement().asString().contains("seq 3 (key.created): content does not match its hash (edited)");
    }

    @Test
    void anEditWithTheChainRecomputedIsCaughtByTheSignedCheckpoint() throws Exception {
        trail("n-edit2");
        sql("UPDATE audit_events SET fields = '{\"n\":99}' WHERE node = 'n-edit2' AND seq = 3");
        recomputeChain("n-edit2");
        assertThat(verify("n-edit2").problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains("is not the signed head"));
    }

    @Test
    void anInsertedRowIsCaught() throws Exception {
        trail("n-insert");
        // make room at seq 4 and insert a forged event there, then recompute the chain so every link holds
        sql("UPDATE audit_events SET seq = seq + 1000 WHERE node = 'n-insert' AND seq >= 4");
        sql("UPDATE audit_events SET seq = seq - 999 WHERE node = 'n-insert' AND seq >= 1000");
        AuditRow three = row("n-insert", 3);
        AuditRow forged = AuditRecords.toRow("forged-1", AuditEvent.of(AuditType.KEY_REVOKED, AuditEvent.Actor.operator("cli"), "key-x", Map.of()))
                .link("n-insert", 4, three.hash());
        sql("INSERT INTO audit_events (node, seq, id, ts, type, severity, actor_kind, actor_id, actor_org, action, target, result, reason, request_id, "
                + "trace_id, ip, fields, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", forged.node(), forged.seq(),
                forged.id(), forged.ts(), forged.type(), forged.severity(), forged.actorKind(), forged.actorId(), forged.actorOrg(), forged.action(),
                forged.target(), forged.result(), forged.reason(), forged.requestId(), forged.traceId(), forged.ip(), forged.fields(), forged.prevHash(),
                forged.hash());
        List<String> naive = verify("n-insert").problems();
        assertThat(naive).anySatisfy(p -> assertThat(p).contains("seq 5: prev_hash is not the hash of the event before it"));
        recomputeChain("n-insert");
        assertThat(verify("n-insert").problems()).anySatisfy(p -> assertThat(p).contains("checkpoint 1").contains("is not the signed head"))
                .anySatisfy(p -> assertThat(p).contains("checkpoint 2").contains("is not the signed head"));
    }

    @Test
    void twoSwappedRowsAreCaught() throws Exception {
        trail("n-swap");
        sql("UPDATE audit_events SET seq = 1006 WHERE node = 'n-swap' AND seq = 6");
        sql("UPDATE audit_events SET seq = 6 WHERE node = 'n-swap' AND seq = 7");
        sql("UPDATE audit_events SET seq = 7 WHERE node = 'n-swap' AND seq = 1006");
        assertThat(verify("n-swap").problems()).anySatisfy(p -> assertThat(p).contains("seq 6: prev_hash is not the hash of the event before it"))
                .anySatisfy(p -> assertThat(p).contains("seq 7: prev_hash"));
    }

    @Test
    void aDeletedMiddleRowIsCaught() throws Exception {
        trail("n-delete");
        sql("DELETE FROM audit_events WHERE node = 'n-delete' AND seq = 4");
        assertThat(verify("n-delete").problems()).anySatisfy(p -> assertThat(p).contains("seq 4 missing (deleted) before seq 5"));
    }

    @Test
    void aTruncatedTailIsCaughtByTheLastCheckpoint() throws Exception {
        trail("n-trunc");
        sql("DELETE FROM audit_events WHERE node = 'n-trunc' AND seq > 7");
        assertThat(verify("n-trunc").problems()).singleElement().asString()
                .contains("checkpoint 2 signs seq 10 but the trail ends at seq 7 (truncated: events 8..10 deleted)");
    }

    @Test
    void aTruncationThatAlsoRemovesCheckpointsIsCaughtByTheWitness() throws Exception {
        Path witness = trail("n-rollback");
        // roll back to the first checkpoint: the events after it and the second checkpoint go
        sql("DELETE FROM audit_events WHERE node = 'n-rollback' AND seq > 5");
        sql("DELETE FROM audit_checkpoints WHERE node = 'n-rollback' AND cseq = 2");
        assertThat(verify("n-rollback").problems()).as("the store alone cannot tell").isEmpty();
        assertThat(verify("n-rollback", witness).problems())
                .anySatisfy(p -> assertThat(p).contains("witnessed checkpoint 2 (seq 10) is not in the trail"))
                .anySatisfy(p -> assertThat(p).contains("trail ends at seq 5"));
    }

    @Test
    void aForgedCheckpointIsCaught() throws Exception {
        trail("n-forge");
        AuditCheckpoint last = store().audit().lastCheckpoint("n-forge").orElseThrow();
        // an attacker without the key: a checkpoint over a recomputed head, signature copied from the real one
        sql("INSERT INTO audit_checkpoints (node, cseq, seq, head_hash, ts, prev_hash, kid, signature, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "n-forge", 3L, 10L, "f".repeat(64), last.ts() + 1, last.hash(), last.kid(), last.signature(), "0".repeat(64));
        assertThat(verify("n-forge").problems()).anySatisfy(p -> assertThat(p).contains("checkpoint 3: signature invalid (forged or edited)"));
    }

    @Test
    void aCheckpointSignedWithAKeyAddedToTheStoreIsCaughtByTheWitness() throws Exception {
        Path witness = trail("n-forge-key");
        sql("DELETE FROM audit_events WHERE node = 'n-forge-key' AND seq > 5");
        sql("DELETE FROM audit_checkpoints WHERE node = 'n-forge-key' AND cseq = 2");
        // the attacker registers a key of their own for the node and signs a checkpoint over the truncated trail
        CheckpointSigner own = CheckpointSigner.load(store(), master, "n-forge-key-attacker", System.currentTimeMillis());
        sql("UPDATE audit_keys SET node = 'n-forge-key' WHERE kid = ?", own.kid());
        AuditCheckpoint first = store().audit().lastCheckpoint("n-forge-key").orElseThrow();
        AuditRow head = row("n-forge-key", 5);
        AuditCheckpoint forged = own.sign("n-forge-key", first, 5, head.hash(), System.currentTimeMillis());
        store().audit().insertCheckpoint(forged);
        assertThat(verify("n-forge-key").problems()).as("the store alone trusts the store's keys").isEmpty();
        assertThat(verify("n-forge-key", witness).problems())
                .anySatisfy(p -> assertThat(p).contains("checkpoint 2 (seq 10) differs from the trail's checkpoint 2 (replaced)"))
                .anySatisfy(p -> assertThat(p).contains("checkpoint 2: signed by an unknown key " + own.kid()));
    }

    @Test
    void aReplayedOldCheckpointIsCaught() throws Exception {
        trail("n-replay");
        AuditCheckpoint first = store().audit().checkpoints("n-replay").getFirst();
        sql("INSERT INTO audit_checkpoints (node, cseq, seq, head_hash, ts, prev_hash, kid, signature, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "n-replay", 3L, first.seq(), first.headHash(), first.ts(), first.prevHash(), first.kid(), first.signature(), first.hash());
        assertThat(verify("n-replay").problems())
                .anySatisfy(p -> assertThat(p).contains("checkpoint 3: signature invalid"))
                .anySatisfy(p -> assertThat(p).contains("checkpoint 3 does not chain to checkpoint 2 (forged or replayed)"))
                .anySatisfy(p -> assertThat(p).contains("checkpoint 3 signs seq 5, before checkpoint 2's seq 10 (replayed)"));
    }

    @Test
    void anExportVerifiesAloneAndAnEditedExportDoesNot() throws Exception {
        trail("n-export");
        Path export = dir.resolve("export.jsonl");
        try (var out = Files.newBufferedWriter(export)) {
            AuditExport.write(store(), new dev.bastion.store.AuditRepository.Filter("n-export", null, null, null, null, null, null), "jsonl", out);
        }
        assertThat(AuditSource.fromExport(export).verify(List.of()).problems()).isEmpty();
        List<String> lines = new ArrayList<>(Files.readAllLines(export));
        int i = 0;
        while (!lines.get(i).contains("\"seq\":2,")) i++;
        lines.set(i, lines.get(i).replace("key-01", "key-99"));
        Files.write(export, lines);
        assertThat(AuditSource.fromExport(export).verify(List.of()).problems()).singleElement().asString().contains("seq 2 (key.created): content does not match");
    }

    @Test
    void aTimeRangeVerifiesAloneAndADeletionInsideItIsCaught() throws Exception {
        trail("n-range");
        long from = row("n-range", 4).ts();
        AuditVerifier.Report clean = AuditSource.fromStore(store(), "n-range", from, null).verify(List.of());
        assertThat(clean.problems()).isEmpty();
        sql("DELETE FROM audit_events WHERE node = 'n-range' AND seq = 7");
        assertThat(AuditSource.fromStore(store(), "n-range", from, null).verify(List.of()).problems())
                .anySatisfy(p -> assertThat(p).contains("seq 7 missing (deleted) before seq 8"));
    }

    static long count(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
