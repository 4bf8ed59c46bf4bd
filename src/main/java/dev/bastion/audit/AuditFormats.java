package dev.bastion.audit;

import dev.bastion.store.AuditCheckpoint;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRetentionCut;
import dev.bastion.store.AuditRow;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;

/**
 * The export formats. JSON lines ({@code kind}: {@code event}, {@code checkpoint} or {@code key}) carry every
 * stored column, so {@code bastion audit verify --export} can recompute every hash from the file alone; CEF
 * (ArcSight's Common Event Format) is for SIEMs and carries the schema, not the chain.
 */
public final class AuditFormats {
    private AuditFormats() {}

    public static JsonObject eventJson(AuditRow r) {
        return new JsonObject().put("kind", "event").put("node", r.node()).put("seq", r.seq()).put("id", r.id()).put("ts", r.ts())
                .put("time", java.time.Instant.ofEpochMilli(r.ts()).toString()).put("type", r.type()).put("severity", r.severity())
                .put("actor", new JsonObject().put("kind", r.actorKind()).put("id", r.actorId()).put("org", r.actorOrg()))
                .put("action", r.action()).put("target", r.target()).put("result", r.result()).put("reason", r.reason())
                .put("request_id", r.requestId()).put("trace_id", r.traceId()).put("ip", r.ip()).put("fields", new JsonObject(r.fields()))
                .put("prev_hash", r.prevHash()).put("hash", r.hash());
    }

    public static AuditRow eventFromJson(JsonObject o) {
        JsonObject actor = o.getJsonObject("actor", new JsonObject());
        return new AuditRow(o.getString("node"), o.getLong("seq"), o.getString("id"), o.getLong("ts"), o.getString("type"), o.getString("severity"),
                actor.getString("kind"), actor.getString("id"), actor.getString("org"), o.getString("action"), o.getString("target"),
                o.getString("result"), o.getString("reason"), o.getString("request_id"), o.getString("trace_id"), o.getString("ip"),
                canonicalFields(o.getJsonObject("fields", new JsonObject())), o.getString("prev_hash"), o.getString("hash"));
    }

    /** The canonical text of parsed extra fields: what {@link AuditRecords#fieldsJson} wrote. */
    static String canonicalFields(JsonObject fields) {
        StringBuilder b = new StringBuilder().append('{');
        for (var e : new TreeMap<>(fields.getMap()).entrySet()) {
            if (b.length() > 1) b.append(',');
            AuditRow.quote(b, e.getKey()).append(':');
            Object v = e.getValue();
            if (v instanceof String s) AuditRow.quote(b, s);
            else b.append(v); // integers and booleans: the only other values the writer stores
        }
        return b.append('}').toString();
    }

    public static JsonObject checkpointJson(AuditCheckpoint c, String publicKey) {
        JsonObject o = new JsonObject().put("kind", "checkpoint").put("node", c.node()).put("cseq", c.cseq()).put("seq", c.seq())
                .put("head_hash", c.headHash()).put("ts", c.ts()).put("prev_hash", c.prevHash()).put("kid", c.kid()).put("signature", c.signature());
        if (publicKey != null) o.put("public_key", publicKey);
        return o;
    }

    public static AuditCheckpoint checkpointFromJson(JsonObject o) {
        return new AuditCheckpoint(o.getString("node"), o.getLong("cseq"), o.getLong("seq"), o.getString("head_hash"), o.getLong("ts"),
                o.getString("prev_hash"), o.getString("kid"), o.getString("signature"));
    }

    public static JsonObject cutJson(AuditRetentionCut c) {
        return new JsonObject().put("kind", "retention_cut").put("node", c.node()).put("up_to_seq", c.upToSeq()).put("cseq", c.cseq())
                .put("anchor_hash", c.anchorHash()).put("ts", c.ts()).put("purged_by", c.purgedBy()).put("kid", c.kid()).put("signature", c.signature());
    }

    public static AuditRetentionCut cutFromJson(JsonObject o) {
        return new AuditRetentionCut(o.getString("node"), o.getLong("up_to_seq"), o.getLong("cseq"), o.getString("anchor_hash"), o.getLong("ts"),
                o.getString("purged_by"), o.getString("kid"), o.getString("signature"));
    }

    public static JsonObject keyJson(AuditRepository.Key k) {
        return new JsonObject().put("kind", "key").put("kid", k.kid()).put("node", k.node()).put("public_key", k.publicKey()).put("created_at", k.createdAt());
    }

    /** One CEF line: {@code CEF:0|Bastion|Bastion|1|type|type|severity|extension}. */
    public static String cef(AuditRow r) {
        Severity sev;
        try {
            sev = Severity.valueOf(r.severity().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            sev = Severity.NOTICE;
        }
        StringBuilder b = new StringBuilder("CEF:0|Bastion|Bastion|1|").append(header(r.type())).append('|').append(header(r.type())).append('|')
                .append(sev.cef()).append('|');
        ext(b, "rt", Long.toString(r.ts()));
        ext(b, "dvchost", r.node());
        ext(b, "externalId", r.id());
        ext(b, "cn1Label", "seq");
        ext(b, "cn1", Long.toString(r.seq()));
        ext(b, "suser", r.actorId());
        ext(b, "cs1Label", "actor_kind");
        ext(b, "cs1", r.actorKind());
        ext(b, "cs2Label", "org");
        ext(b, "cs2", r.actorOrg());
        ext(b, "act", r.action());
        ext(b, "cs3Label", "target");
        ext(b, "cs3", r.target());
        ext(b, "outcome", r.result());
        ext(b, "reason", r.reason());
        ext(b, "cs4Label", "request_id");
        ext(b, "cs4", r.requestId());
        ext(b, "cs5Label", "trace_id");
        ext(b, "cs5", r.traceId());
        ext(b, "src", r.ip());
        ext(b, "cs6Label", "fields");
        ext(b, "cs6", r.fields());
        return b.toString().stripTrailing();
    }

    private static String header(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|");
    }

    private static void ext(StringBuilder b, String key, String value) {
        if (value == null) return;
        b.append(key).append('=').append(value.replace("\\", "\\\\").replace("=", "\\=").replace("\n", "\\n").replace("\r", "\\r")).append(' ');
    }
}
