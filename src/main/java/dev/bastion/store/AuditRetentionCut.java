package dev.bastion.store;

/**
 * A signed statement that {@code node}'s events {@code 1..upToSeq} were removed by retention (docs/audit.md,
 * "Retention"). It is anchored on the node's signed checkpoint {@code cseq}, which signs exactly {@code upToSeq}
 * with head {@code anchorHash}: the first event kept must name that hash as its {@code prev_hash}, so the kept
 * trail is proved from a signed point instead of from the genesis. Signed (Ed25519, base64url, over
 * {@link #canonical()}) by the checkpoint key of the node that purged ({@code purgedBy}), so a cut cannot be
 * made up by someone who can only write the database.
 *
 * @param ts epoch milliseconds, when the cut was recorded
 */
public record AuditRetentionCut(String node, long upToSeq, long cseq, String anchorHash, long ts, String purgedBy, String kid, String signature) {
    /** What is signed: every field but the signature, sorted keys. */
    public String canonical() {
        StringBuilder b = new StringBuilder(240).append('{');
        AuditRow.str(b, "anchor_hash", anchorHash).append(',');
        b.append("\"cseq\":").append(cseq).append(',');
        AuditRow.str(b, "kid", kid).append(',');
        b.append("\"kind\":\"retention_cut\",");
        AuditRow.str(b, "node", node).append(',');
        AuditRow.str(b, "purged_by", purgedBy).append(',');
        b.append("\"ts\":").append(ts).append(',');
        b.append("\"up_to_seq\":").append(upToSeq);
        return b.append('}').toString();
    }
}
