package dev.bastion.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One stored audit event: its schema fields, its place in its node's chain ({@code seq}, {@code prevHash}) and
 * its {@code hash} — SHA-256 of {@link #canonical()}, which covers every column but the hash itself, the
 * previous row's hash included. Editing any column, or moving the row, changes what its hash should be.
 *
 * @param fields the bounded extra fields, as canonical JSON (sorted keys); stored and hashed verbatim
 */
public record AuditRow(String node, long seq, String id, long ts, String type, String severity, String actorKind, String actorId,
                       String actorOrg, String action, String target, String result, String reason, String requestId, String traceId,
                       String ip, String fields, String prevHash, String hash) {
    /** The previous hash of a chain's first row. */
    public static final String GENESIS = "0".repeat(64);

    /** An event before it has a place in a chain. */
    public record Unchained(String id, long ts, String type, String severity, String actorKind, String actorId, String actorOrg,
                            String action, String target, String result, String reason, String requestId, String traceId, String ip,
                            String fields) {
        public AuditRow link(String node, long seq, String prevHash) {
            AuditRow unhashed = new AuditRow(node, seq, id, ts, type, severity, actorKind, actorId, actorOrg, action, target, result, reason,
                    requestId, traceId, ip, fields, prevHash, null);
            return unhashed.withHash(sha256Hex(unhashed.canonical()));
        }
    }

    public AuditRow withHash(String h) {
        return new AuditRow(node, seq, id, ts, type, severity, actorKind, actorId, actorOrg, action, target, result, reason, requestId,
                traceId, ip, fields, prevHash, h);
    }

    /** The hash this row's content calls for; differs from {@link #hash()} when any column was edited. */
    public String expectedHash() {
        return sha256Hex(canonical());
    }

    /**
     * The hashed form: a JSON object with every column but {@code hash}, keys sorted, no spaces; {@code fields}
     * is embedded as stored (already canonical JSON).
     */
    public String canonical() {
        StringBuilder b = new StringBuilder(256).append('{');
        str(b, "action", action).append(',');
        str(b, "actor_id", actorId).append(',');
        str(b, "actor_kind", actorKind).append(',');
        str(b, "actor_org", actorOrg).append(',');
        b.append("\"fields\":").append(fields).append(',');
        str(b, "id", id).append(',');
        str(b, "ip", ip).append(',');
        str(b, "node", node).append(',');
        str(b, "prev_hash", prevHash).append(',');
        str(b, "reason", reason).append(',');
        str(b, "request_id", requestId).append(',');
        str(b, "result", result).append(',');
        b.append("\"seq\":").append(seq).append(',');
        str(b, "severity", severity).append(',');
        str(b, "target", target).append(',');
        str(b, "trace_id", traceId).append(',');
        b.append("\"ts\":").append(ts).append(',');
        str(b, "type", type);
        return b.append('}').toString();
    }

    static StringBuilder str(StringBuilder b, String key, String value) {
        b.append('"').append(key).append("\":");
        return quote(b, value);
    }

    /** A JSON string (or {@code null}) with the minimal escapes, the same for every writer and reader. */
    public static StringBuilder quote(StringBuilder b, String value) {
        if (value == null) return b.append("null");
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"');
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
