package dev.bastion.incident;

import dev.bastion.chain.Control;
import dev.bastion.respond.ActiveSwitches;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;

/**
 * The switches on who calls, right after authentication: a blocked key or client (403 {@code api_key_blocked}), a
 * suspended org (403 {@code org_suspended}), and a lockdown that does not admit the caller (503 {@code lockdown}; a
 * public route's anonymous caller is admitted by no lockdown). The answers name no reason and no expiry: those are
 * the operator's, in the audit trail.
 */
public final class CallerSwitchControl implements Control {
    private static final Verdict.Deny KEY = new Verdict.Deny(403, "api_key_blocked", "This credential is blocked.");
    private static final Verdict.Deny ORG = new Verdict.Deny(403, "org_suspended", "This organization is suspended.");
    private static final Verdict.Deny LOCKDOWN = new Verdict.Deny(503, "lockdown", "The service is restricted for now.");
    private final ActiveSwitches active;

    public CallerSwitchControl(ActiveSwitches active) {
        this.active = active;
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "incident_caller";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        if (!active.any()) return Verdict.ALLOWED;
        Identity id = ex.identity();
        String credential = id == null ? null : id.credentialId(), client = id == null ? null : id.clientId();
        if (active.blockedCredential(credential) != null || active.blockedCredential(client) != null) return KEY.future();
        if (id != null && active.suspendedOrg(id.orgId()) != null) return ORG.future();
        if (active.lockedOut(id == null ? null : id.orgId(), credential, client) != null) return LOCKDOWN.future();
        return Verdict.ALLOWED;
    }
}
