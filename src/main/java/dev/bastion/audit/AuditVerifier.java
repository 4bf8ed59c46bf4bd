package dev.bastion.audit;

import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRetentionCut;
import dev.bastion.store.AuditRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Proves a trail intact, or says where it is not (docs/audit.md, "What tampering looks like"). Per node:
 * sequence numbers run without a gap from 1 (or from the first event of a partial range); every event's
 * {@code prev_hash} is the previous event's hash and its hash is that of its content (edited, inserted,
 * reordered and deleted rows all break one of these, unless the whole rest of the chain was recomputed);
 * every checkpoint is signed by a known key of its node, chains to the previous checkpoint, and names the hash
 * the events actually have at its sequence number (which catches a recomputed chain, since the attacker cannot
 * re-sign); a checkpoint beyond the last event is a truncation. Witnessed checkpoints (a file the store's
 * administrators cannot edit) must be in the trail exactly: one missing means checkpoints were removed to hide
 * a truncation or a rollback to an old checkpoint.
 *
 * <p>Retention (docs/audit.md, "Retention") removes a prefix of a node's chain, recorded as a signed retention cut
 * anchored on a signed checkpoint: the kept trail is then proved from that checkpoint instead of from the genesis
 * (the first kept event names the anchor as its {@code prev_hash}), and the cut is reported as a note, not a
 * problem. A cut that is not signed by a known key of the node that purged, or that does not match its anchor
 * checkpoint, counts for nothing: the events it would explain are reported deleted.
 */
public final class AuditVerifier {
    /** A public key: its node and X.509 base64. */
    public record TrustedKey(String node, String publicKey) {}

    /** A witnessed checkpoint, with the public key the witness recorded for it (may be null). */
    public record Witnessed(AuditCheckpoint checkpoint, String publicKey) {}

    public record Report(List<String> problems, List<String> notes, long events, long checkpoints) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * @param rows        every node's events, each node's in chain order (as stored, or as in the export)
     * @param checkpoints the trail's checkpoints, every node's, in cseq order per node
     * @param keys        checkpoint keys by kid
     * @param witnessed   checkpoints from an external witness (may be empty)
     * @param partial     the rows are a range (--from/--to): the first row's predecessor is not checked
     */
    public static Report verify(Map<String, List<AuditRow>> rows, List<AuditCheckpoint> checkpoints, Map<String, TrustedKey> keys,
                                List<Witnessed> witnessed, boolean partial) {
        return verify(rows, checkpoints, List.of(), keys, witnessed, partial);
    }

    /** As above, with the trail's retention cuts (every node's). */
    public static Report verify(Map<String, List<AuditRow>> rows, List<AuditCheckpoint> checkpoints, List<AuditRetentionCut> cuts,
                                Map<String, TrustedKey> keys, List<Witnessed> witnessed, boolean partial) {
        AuditVerifier v = new AuditVerifier();
        if (!witnessed.isEmpty()) {
            // With a witness, only the keys it recorded are trusted: a key added to the store later (to sign forged
            // checkpoints) is not.
            Map<String, String> seen = new HashMap<>();
            for (Witnessed w : witnessed) if (w.publicKey() != null) seen.put(w.checkpoint().kid(), w.publicKey());
            Map<String, TrustedKey> trusted = new LinkedHashMap<>();
            for (var k : keys.entrySet()) {
                if (seen.containsKey(k.getKey())) trusted.put(k.getKey(), k.getValue());
                else v.notes.add("key " + k.getKey() + " (node " + k.getValue().node() + ") is in the trail but not in the witness file: not trusted");
            }
            for (Witnessed w : witnessed) {
                if (w.publicKey() != null) trusted.putIfAbsent(w.checkpoint().kid(), new TrustedKey(w.checkpoint().node(), w.publicKey()));
            }
            keys = trusted;
        }
        Map<String, List<AuditCheckpoint>> cps = new LinkedHashMap<>();
        for (AuditCheckpoint c : checkpoints) cps.computeIfAbsent(c.node(), n -> new ArrayList<>()).add(c);
        Map<String, List<AuditRetentionCut>> cutsByNode = new LinkedHashMap<>();
        // A range (--from/--to) does not start at the chain's beginning anyway, and holds only the checkpoints among its
        // events: the cuts, which explain the beginning by an earlier checkpoint, have nothing to say about it.
        if (!partial) for (AuditRetentionCut c : cuts) cutsByNode.computeIfAbsent(c.node(), n -> new ArrayList<>()).add(c);
        Map<String, List<Witnessed>> wit = new LinkedHashMap<>();
        for (Witnessed w : witnessed) wit.computeIfAbsent(w.checkpoint().node(), n -> new ArrayList<>()).add(w);
        java.util.Set<String> nodes = new java.util.TreeSet<>(rows.keySet());
        nodes.addAll(cps.keySet());
        nodes.addAll(wit.keySet());
        nodes.addAll(cutsByNode.keySet());
        long events = 0;
        for (String node : nodes) {
            List<AuditRow> r = rows.getOrDefault(node, List.of());
            events += r.size();
            List<AuditCheckpoint> nodeCps = cps.getOrDefault(node, List.of());
            AuditRetentionCut cut = v.cut(node, cutsByNode.getOrDefault(node, List.of()), nodeCps, keys);
            v.node(node, r, nodeCps, cut, keys, wit.getOrDefault(node, List.of()), partial);
        }
        return new Report(List.copyOf(v.problems), List.copyOf(v.notes), events, checkpoints.size());
    }

    /**
     * The node's retention cut that holds — the highest one signed by a known key of the node that purged and
     * matching its anchor checkpoint — or null. Every cut that does not hold is a problem.
     */
    private AuditRetentionCut cut(String node, List<AuditRetentionCut> cuts, List<AuditCheckpoint> cps, Map<String, TrustedKey> keys) {
        AuditRetentionCut holds = null;
        for (AuditRetentionCut c : cuts) {
            String what = "retention cut up to seq " + c.upToSeq();
            TrustedKey key = keys.get(c.kid());
            AuditCheckpoint anchor = cps.stream().filter(cp -> cp.cseq() == c.cseq()).findFirst().orElse(null);
            if (key == null) {
                problem(node, what + ": signed by an unknown key " + c.kid() + " (forged)");
            } else if (!key.node().equals(c.purgedBy())) {
                problem(node, what + ": key " + c.kid() + " belongs to node " + key.node() + ", not " + c.purgedBy() + " (forged)");
            } else if (!CheckpointSigner.valid(c, key.publicKey())) {
                problem(node, what + ": signature invalid (forged or edited)");
            } else if (anchor == null) {
                problem(node, what + ": its anchor, checkpoint " + c.cseq() + ", is not in the trail");
            } else if (anchor.seq() != c.upToSeq() || !anchor.headHash().equals(c.anchorHash())) {
                problem(node, what + ": does not match its anchor, checkpoint " + c.cseq() + " (which signs seq " + anchor.seq() + ")");
            } else if (holds == null || c.upToSeq() > holds.upToSeq()) {
                holds = c;
            }
        }
        return holds;
    }

    private void node(String node, List<AuditRow> rows, List<AuditCheckpoint> cps, AuditRetentionCut cut, Map<String, TrustedKey> keys,
                      List<Witnessed> witnessed, boolean partial) {
        long covered = cut == null ? 0 : cut.upToSeq();
        Map<Long, String> hashBySeq = new HashMap<>();
        long expected = -1;
        String prev = null;
        long first = rows.isEmpty() ? 0 : rows.getFirst().seq();
        long last = 0;
        for (AuditRow r : rows) {
            if (expected == -1 && cut != null && !partial) {
                // Retention removed 1..covered: the trail resumes right after the cut, linked to its signed anchor; or it
                // still holds some of the covered events (a purge in progress), whose first predecessor is gone.
                if (r.seq() > covered + 1) {
                    problem(node, "the trail starts at seq " + r.seq() + " but the retention cut ends at seq " + covered + ": events " + (covered + 1)
                            + (r.seq() - 1 > covered + 1 ? ".." + (r.seq() - 1) : "") + " were deleted");
                } else if (r.seq() == covered + 1 && !cut.anchorHash().equals(r.prevHash())) {
                    problem(node, "seq " + r.seq() + ": prev_hash is not the head signed by checkpoint " + cut.cseq() + ", the retention cut's anchor (the first kept event was replaced)");
                } else if (r.seq() == 1 && !AuditRow.GENESIS.equals(r.prevHash())) {
                    problem(node, "seq 1 does not start a chain (prev_hash is not the genesis hash)");
                }
            } else if (expected == -1) {
                if (!partial && r.seq() != 1) problem(node, "the trail starts at seq " + r.seq() + ", not 1: events 1.." + (r.seq() - 1) + " were deleted");
                if (!partial || r.seq() == 1) {
                    if (r.seq() == 1 && !AuditRow.GENESIS.equals(r.prevHash())) problem(node, "seq 1 does not start a chain (prev_hash is not the genesis hash)");
                }
            } else {
                if (r.seq() != expected) {
                    problem(node, r.seq() < expected ? "seq " + r.seq() + " comes after seq " + (expected - 1) + " (rows reordered or duplicated)"
                            : "seq " + expected + (r.seq() - 1 > expected ? ".." + (r.seq() - 1) : "") + " missing (deleted) before seq " + r.seq());
                }
                if (!Objects.equals(r.prevHash(), prev)) {
                    problem(node, "seq " + r.seq() + ": prev_hash is not the hash of the event before it (an event inserted, deleted or moved here)");
                }
            }
            if (!r.expectedHash().equals(r.hash())) problem(node, "seq " + r.seq() + " (" + r.type() + "): content does not match its hash (edited)");
            hashBySeq.put(r.seq(), r.hash());
            prev = r.hash();
            expected = r.seq() + 1;
            last = Math.max(last, r.seq());
        }
        AuditCheckpoint before = null;
        long signedUpTo = 0;
        for (AuditCheckpoint c : cps) {
            checkOne(node, c, keys.get(c.kid()) == null ? null : keys.get(c.kid()), hashBySeq, first, last, covered, partial, "checkpoint " + c.cseq());
            if (before == null) {
                if (!partial && c.cseq() != 1) problem(node, "checkpoints start at " + c.cseq() + ", not 1: earlier checkpoints were deleted");
                if (c.cseq() == 1 && !AuditRow.GENESIS.equals(c.prevHash())) problem(node, "checkpoint 1 does not start a checkpoint chain");
            } else {
                if (c.cseq() != before.cseq() + 1) problem(node, "checkpoint " + c.cseq() + " follows checkpoint " + before.cseq() + " (checkpoints deleted, inserted or replayed)");
                if (!c.prevHash().equals(before.hash())) problem(node, "checkpoint " + c.cseq() + " does not chain to checkpoint " + before.cseq() + " (forged or replayed)");
                if (c.seq() < before.seq()) problem(node, "checkpoint " + c.cseq() + " signs seq " + c.seq() + ", before checkpoint " + before.cseq() + "'s seq " + before.seq() + " (replayed)");
            }
            before = c;
            signedUpTo = Math.max(signedUpTo, c.seq());
        }
        Map<Long, AuditCheckpoint> stored = new HashMap<>();
        for (AuditCheckpoint c : cps) stored.put(c.cseq(), c);
        for (Witnessed w : witnessed) {
            AuditCheckpoint c = w.checkpoint();
            String what = "witnessed checkpoint " + c.cseq() + " (seq " + c.seq() + ")";
            AuditCheckpoint s = stored.get(c.cseq());
            if (s == null) {
                problem(node, what + " is not in the trail: checkpoints were removed (a truncation or a rollback to an older checkpoint)");
            } else if (!s.hash().equals(c.hash()) || !s.signature().equals(c.signature())) {
                problem(node, what + " differs from the trail's checkpoint " + c.cseq() + " (replaced)");
            }
            TrustedKey k = keys.get(c.kid());
            if (w.publicKey() != null && k != null && !w.publicKey().equals(k.publicKey())) {
                problem(node, what + ": key " + c.kid() + " in the trail is not the key the witness recorded (a key was replaced)");
            }
            checkOne(node, c, w.publicKey() != null ? new TrustedKey(node, w.publicKey()) : k, hashBySeq, first, last, covered, partial, what);
            signedUpTo = Math.max(signedUpTo, c.seq());
        }
        {
            String summary = rows.isEmpty() ? "no events" : rows.size() + " events (seq " + first + ".." + last + ")";
            if (cut != null) {
                summary += "; events 1.." + covered + " removed by retention (cut recorded " + java.time.Instant.ofEpochMilli(cut.ts()) + " by "
                        + cut.purgedBy() + ", anchored on checkpoint " + cut.cseq() + ")" + (!rows.isEmpty() && first <= covered
                        ? ", " + (covered - first + 1) + " of them still being purged" : "");
            }
            notes.add(node + ": " + summary + ", " + cps.size() + " checkpoints" + (witnessed.isEmpty() ? "" : ", " + witnessed.size() + " witnessed")
                    + (signedUpTo > 0 ? ", signed up to seq " + signedUpTo : "")
                    + (last > signedUpTo ? "; " + (last - Math.max(signedUpTo, first - 1)) + " events after the last checkpoint are protected by the chain only" : ""));
        }
    }

    private void checkOne(String node, AuditCheckpoint c, TrustedKey key, Map<Long, String> hashBySeq, long first, long last, long covered,
                          boolean partial, String what) {
        if (key == null) {
            problem(node, what + ": signed by an unknown key " + c.kid() + " (forged)");
        } else if (!key.node().equals(node)) {
            problem(node, what + ": key " + c.kid() + " belongs to node " + key.node() + " (forged)");
        } else if (!CheckpointSigner.valid(c, key.publicKey())) {
            problem(node, what + ": signature invalid (forged or edited)");
        }
        if (c.seq() > last && c.seq() > covered && !partial) {
            problem(node, what + " signs seq " + c.seq() + " but the trail ends at seq " + last + " (truncated: events " + (last + 1) + ".." + c.seq() + " deleted)");
        } else if (c.seq() > 0 && c.seq() >= first && c.seq() <= last) {
            String h = hashBySeq.get(c.seq());
            if (h != null && !h.equals(c.headHash())) {
                problem(node, what + ": the trail's hash at seq " + c.seq() + " is not the signed head (events up to it were edited, inserted or deleted and the chain recomputed)");
            }
        }
    }

    private void problem(String node, String text) {
        problems.add(node + ": " + text);
    }
}
