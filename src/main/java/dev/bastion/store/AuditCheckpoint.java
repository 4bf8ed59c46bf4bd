package dev.bastion.store;

/**
 * A node's signed statement that its chain had {@code seq} events with head {@code headHash} at {@code ts}.
 * Checkpoints chain too: {@code prevHash} is the previous checkpoint's {@link #hash()} ({@link AuditRow#GENESIS}
 * for the first), {@code cseq} numbers them per node. The signature (Ed25519, base64url) covers {@link #canonical()}.
 */
public record AuditCheckpoint(String node, long cseq, long seq, String headHash, long ts, String prevHash, String kid, String signature) {
    /** What is signed, and hashed into the next checkpoint: every field but the signature, sorted keys. */
    public String canonical() {
        StringBuilder b = new StringBuilder(200).append('{');
        b.append("\"cseq\":").append(cseq).append(',');
        AuditRow.str(b, "head_hash", headHash).append(',');
        AuditRow.str(b, "kid", kid).append(',');
        AuditRow.str(b, "node", node).append(',');
        AuditRow.str(b, "prev_hash", prevHash).append(',');
        b.append("\"seq\":").append(seq).append(',');
        b.append("\"ts\":").append(ts);
        return b.append('}').toString();
    }

    public String hash() {
        return AuditRow.sha256Hex(canonical());
    }
}
