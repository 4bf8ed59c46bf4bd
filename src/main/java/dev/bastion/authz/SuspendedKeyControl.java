package dev.bastion.authz;

import dev.bastion.respond.ActiveResponses;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.store.ResponseAction;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * Refuses an API key an automatic response suspended (O4): 403 {@code api_key_suspended}, right after
 * authentication (the key is valid; it is not allowed for now). Other credentials pass.
 */
public final class SuspendedKeyControl implements Control {
    private final ActiveResponses active;

    public SuspendedKeyControl(ActiveResponses active) {
        this.active = Objects.requireNonNull(active, "active");
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "suspended_key";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        Identity id = ex.identity();
        if (id == null || !"api_key".equals(id.credentialType())) return Verdict.ALLOWED;
        ResponseAction a = active.suspended(id.credentialId());
        if (a == null) return Verdict.ALLOWED;
        return new Verdict.Deny(403, "api_key_suspended", "This API key is suspended by an automatic response until " + a.expiresAt() + ".").future();
    }
}
