package dev.bastion.incident;

import dev.bastion.chain.Control;
import dev.bastion.respond.ActiveSwitches;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;

/**
 * Refuses an address or range an operator blocked ({@code bastion incident block-ip}), at the public listener's
 * edge before routing: 403 {@code ip_blocked}, the connection closed. The address is the one the listener resolved
 * with its trusted proxies, so a forged {@code X-Forwarded-For} neither escapes a block nor aims one.
 */
public final class BlockedNetworkControl implements Control {
    private static final Verdict.Deny BLOCKED = new Verdict.Deny(403, "ip_blocked", "This address is blocked.").closing();
    private final ActiveSwitches active;

    public BlockedNetworkControl(ActiveSwitches active) {
        this.active = active;
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "incident_ip";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        return active.blockedAddress(ex.clientIp()) == null ? Verdict.ALLOWED : BLOCKED.future();
    }
}
