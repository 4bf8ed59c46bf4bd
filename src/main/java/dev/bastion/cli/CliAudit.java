package dev.bastion.cli;

import dev.bastion.audit.AuditEvent;
import dev.bastion.audit.AuditTrails;
import dev.bastion.audit.AuditType;
import dev.bastion.config.BastionConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.tokens.MasterKey;
import java.util.Map;

/**
 * The CLI's lifecycle events (keys, clients, orgs, tiers, revocations, signing keys) into the audit trail,
 * written at once on the CLI's own chain ({@code cli.NODE}) and signed with a checkpoint, so an operator's
 * action is protected as soon as the command returns. A trail that cannot be written fails the command
 * after the action: the operator is told, never left believing it was recorded.
 */
final class CliAudit {
    private CliAudit() {}

    static void record(StoreOptions options, Store store, AuditType type, String org, String target, Map<String, ?> fields) {
        String operator = System.getProperty("user.name", "operator");
        append(options, store, new AuditEvent(System.currentTimeMillis(), type, null, new AuditEvent.Actor("operator", operator, org),
                type.wire().substring(type.wire().indexOf('.') + 1), target, null, null, null, null, null, fields == null ? Map.of() : fields));
    }

    /** An event the command made itself (its actor, action and reason). */
    static void append(StoreOptions options, Store store, AuditEvent e) {
        BastionConfig config = options.config();
        if (!config.audit().enabled()) return;
        AuditType type = e.type();
        try {
            AuditTrails.appendNow(store, config.audit(), "cli." + config.audit().node(), e, () -> MasterKey.load(config, new SecretResolver()));
        } catch (RuntimeException ex) {
            throw new CliException("done, but the audit event " + type.wire() + " could not be written (" + ex.getMessage() + ")");
        }
    }
}
