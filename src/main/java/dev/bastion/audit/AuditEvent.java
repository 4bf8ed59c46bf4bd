package dev.bastion.audit;

import java.util.Map;

/**
 * One audit event as its emitter made it, before the writer checks and stores it (the checks run on the
 * writer's thread, not the request's). The schema is fixed: {@code type}, {@code severity}, {@code actor},
 * {@code action}, {@code target}, {@code result}, {@code reason}, {@code request_id}, {@code trace_id},
 * {@code ip}, {@code ts}; the writer adds {@code node}, {@code seq} and the chain. {@code fields} is a bounded
 * map of further ids and numbers — anything else in it is replaced before it is stored ({@link AuditRecords}).
 *
 * @param ts epoch milliseconds
 */
public record AuditEvent(long ts, AuditType type, Severity severity, Actor actor, String action, String target, String result, String reason,
                         String requestId, String traceId, String ip, Map<String, ?> fields) {
    /**
     * Who acted.
     *
     * @param kind {@code principal} (a caller of the gateway: key, token or user), {@code operator} (the CLI or
     *             the admin API), {@code system} (Bastion itself), or {@code anonymous}
     * @param id   the caller's opaque id (never a credential)
     * @param org  the tenant
     */
    public record Actor(String kind, String id, String org) {
        public static final Actor SYSTEM = new Actor("system", null, null);
        public static final Actor ANONYMOUS = new Actor("anonymous", null, null);

        public static Actor operator(String id) {
            return new Actor("operator", id, null);
        }
    }

    public AuditEvent {
        if (type == null) throw new IllegalArgumentException("type");
        severity = severity == null ? type.severity() : severity;
        actor = actor == null ? Actor.SYSTEM : actor;
        result = result == null ? type.defaultResult() : result;
        fields = fields == null ? Map.of() : fields;
    }

    /** An event of {@code type} now, by {@code actor}, on {@code target}; the other members from the type's defaults. */
    public static AuditEvent of(AuditType type, Actor actor, String target, Map<String, ?> fields) {
        return new AuditEvent(System.currentTimeMillis(), type, null, actor, type.wire().substring(type.wire().indexOf('.') + 1), target,
                null, null, null, null, null, fields);
    }
}
