package dev.bastion.ipfilter;

import dev.bastion.respond.ActiveResponses;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.store.ResponseAction;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * Refuses a client address an automatic response blocked (O4), at the edge, after the configured address
 * rules: 403 {@code ip_blocked} in the one JSON error shape, with the request id, and the connection closed.
 * The address is the one the listener resolved with its trusted-proxy rules.
 */
public final class BlockedAddressControl implements Control {
    private final ActiveResponses active;

    public BlockedAddressControl(ActiveResponses active) {
        this.active = Objects.requireNonNull(active, "active");
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "blocked_address";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        ResponseAction a = active.blocked(ex.clientIp());
        if (a == null) return Verdict.ALLOWED;
        return new Verdict.Deny(403, "ip_blocked", "This address is blocked by an automatic response until " + a.expiresAt() + ".").closing().future();
    }
}
