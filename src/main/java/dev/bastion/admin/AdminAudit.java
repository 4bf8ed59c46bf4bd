package dev.bastion.admin;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.observe.AuditLog;
import java.util.Map;

/** The audit events of admin reads: who listed what, and how much of it (never the list itself). */
final class AdminAudit {
    private AdminAudit() {}

    static void read(AuditLog audit, Exchange ex, Identity id, String what, int count) {
        Map<String, Object> f = AdminAnswers.auditFields(ex, id, what);
        f.remove("via");
        f.put("count", count);
        audit.event("admin.read", f);
    }
}
