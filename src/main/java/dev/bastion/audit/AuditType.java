package dev.bastion.audit;

import java.util.HashMap;
import java.util.Map;

/**
 * The catalogue of audit events (docs/audit.md): each type's stable wire name, default severity and default
 * result. A new kind of event is a new constant here, never a free-form name; the names callers of
 * {@link dev.bastion.observe.AuditLog#event} used before the typed schema map onto these ({@link #ofLegacy}).
 */
public enum AuditType {
    // authentication and tenancy
    AUTH_FAILURE("auth.failure", Severity.WARNING, "failure"),
    CROSS_TENANT("tenant.cross_attempt", Severity.ALERT, "denied"),
    // lifecycle (CLI and admin API)
    ORG_CREATED("org.created", Severity.NOTICE, "success"),
    ORG_TIER_CHANGED("org.tier_changed", Severity.NOTICE, "success"),
    KEY_CREATED("key.created", Severity.NOTICE, "success"),
    KEY_REVOKED("key.revoked", Severity.NOTICE, "success"),
    KEY_TIER_CHANGED("key.tier_changed", Severity.NOTICE, "success"),
    KEY_EXPIRY_CHANGED("key.expiry_changed", Severity.NOTICE, "success"),
    CLIENT_CREATED("client.created", Severity.NOTICE, "success"),
    CLIENT_DISABLED("client.disabled", Severity.NOTICE, "success"),
    REVOCATION("revocation.created", Severity.NOTICE, "success"),
    SIGNING_KEY_ROTATED("signing_key.rotated", Severity.NOTICE, "success"),
    SIGNING_KEY_WITHDRAWN("signing_key.withdrawn", Severity.WARNING, "success"),
    DATA_EXPORT("data.export", Severity.NOTICE, "success"),
    DATA_DELETE("data.delete", Severity.WARNING, "success"),
    DATA_KEK_ROTATED("data.kek_rotated", Severity.NOTICE, "success"),
    CONFIG_LOADED("config.loaded", Severity.INFO, "success"),
    CONFIG_RELOADED("config.reloaded", Severity.NOTICE, "success"),
    // refusals on the request path
    GUARD_BLOCK("guard.block", Severity.WARNING, "denied"),
    GUARD_ANSWER_STOPPED("guard.answer_stopped", Severity.WARNING, "denied"),
    WAF_BLOCK("waf.block", Severity.WARNING, "denied"),
    BOT_BLOCK("bot.block", Severity.WARNING, "denied"),
    BOT_CHALLENGE("bot.challenge", Severity.NOTICE, "denied"),
    BUDGET_THRESHOLD("budget.threshold", Severity.NOTICE, "success"),
    BUDGET_EXHAUSTED("budget.exhausted", Severity.WARNING, "denied"),
    // MCP tool traffic (docs/mcp.md)
    MCP_GUARD("mcp.guard", Severity.WARNING, "denied"),
    MCP_APPROVAL_REQUESTED("mcp.approval.requested", Severity.NOTICE, null),
    MCP_APPROVAL_GRANTED("mcp.approval.granted", Severity.NOTICE, "success"),
    MCP_APPROVAL_DENIED("mcp.approval.denied", Severity.NOTICE, "denied"),
    MCP_APPROVAL_TIMED_OUT("mcp.approval.timed_out", Severity.WARNING, "failure"),
    MCP_APPROVAL_WITHDRAWN("mcp.approval.withdrawn", Severity.NOTICE, "failure"),
    // egress
    EGRESS_DENIED("egress.denied", Severity.WARNING, "denied"),
    EGRESS_CONNECTION("egress.connection", Severity.INFO, null),
    EGRESS_FETCH("egress.fetch", Severity.INFO, null),
    // secrets
    SECRET_ROTATED("secret.rotated", Severity.NOTICE, "success"),
    SECRET_OVERDUE("secret.overdue", Severity.WARNING, "failure"),
    // automatic responses (O4)
    RESPONSE_BLOCK_IP("response.block_ip", Severity.WARNING, "success"),
    RESPONSE_SUSPEND_KEY("response.suspend_key", Severity.WARNING, "success"),
    RESPONSE_NOTIFY("response.notify", Severity.ERROR, "success"),
    RESPONSE_LIFTED("response.lifted", Severity.NOTICE, "success"),
    // incident switches (R2): an operator's, with a reason and an expiry
    INCIDENT_SWITCH("incident.switch", Severity.WARNING, "success"),
    INCIDENT_LIFTED("incident.lifted", Severity.NOTICE, "success"),
    // identity and configuration
    USER_CREATED("user.created", Severity.NOTICE, "success"),
    ADMIN_READ("admin.read", Severity.INFO, "success"),
    // the web console (docs/console.md)
    CONSOLE_BOOTSTRAP_CREATED("console.bootstrap.created", Severity.WARNING, "success"),
    CONSOLE_LOGIN("console.login", Severity.NOTICE, "success"),
    CONSOLE_LOGIN_REFUSED("console.login_refused", Severity.WARNING, "denied"),
    CONSOLE_LOGOUT("console.logout", Severity.INFO, "success"),
    // the trail itself
    AUDIT_SPOOLED("audit.spooled", Severity.ERROR, "failure"),
    AUDIT_DROPPED("audit.dropped", Severity.CRITICAL, "failure"),
    // MCP tool pinning (docs/mcp.md#pinning-tool-definitions)
    MCP_TOOL_DRIFT("mcp.tool_drift", Severity.WARNING, "denied"),
    MCP_TOOL_NEW("mcp.tool_new", Severity.NOTICE, "denied"),
    MCP_PIN_APPROVED("mcp.pin_approved", Severity.NOTICE, "success"),
    MCP_PIN_REJECTED("mcp.pin_rejected", Severity.NOTICE, "success"),
    // retention (D2)
    DATA_PURGE("data.purge", Severity.NOTICE, "success"),
    /** A name the catalogue does not know yet: kept, as the action, rather than lost. */
    OTHER("other", Severity.NOTICE, null);

    private static final Map<String, AuditType> BY_NAME = new HashMap<>();
    private static final Map<String, AuditType> LEGACY = Map.of(
            "guard.decision", GUARD_BLOCK,
            "guard.answer", GUARD_ANSWER_STOPPED,
            "egress_denied", EGRESS_DENIED,
            "egress_connection", EGRESS_CONNECTION,
            "egress_fetch", EGRESS_FETCH,
            "secret_rotated", SECRET_ROTATED,
            "secret_overdue", SECRET_OVERDUE);

    static {
        for (AuditType t : values()) BY_NAME.put(t.wire, t);
    }

    private final String wire;
    private final Severity severity;
    private final String result;

    AuditType(String wire, Severity severity, String result) {
        this.wire = wire;
        this.severity = severity;
        this.result = result;
    }

    public String wire() {
        return wire;
    }

    public Severity severity() {
        return severity;
    }

    /** The result an event of this type has unless its fields say otherwise; null when it depends. */
    public String defaultResult() {
        return result;
    }

    public static AuditType byWire(String name) {
        return BY_NAME.get(name);
    }

    /** The type of a name passed to {@code AuditLog.event}: a catalogue name, an older name, or {@link #OTHER}. */
    public static AuditType ofLegacy(String name) {
        AuditType t = BY_NAME.get(name);
        if (t != null) return t;
        t = LEGACY.get(name);
        if (t != null) return t;
        t = BY_NAME.get(name.replace('_', '.'));
        return t != null ? t : OTHER;
    }
}
