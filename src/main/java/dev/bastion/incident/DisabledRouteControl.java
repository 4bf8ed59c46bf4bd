package dev.bastion.incident;

import dev.bastion.chain.Control;
import dev.bastion.respond.ActiveSwitches;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;

/**
 * Answers 503 {@code route_disabled} on a route an operator disabled ({@code bastion incident disable-route}), first
 * in the route's chain: nothing of the route runs, not even authentication. 503 rather than 403: the caller's
 * credentials are not at fault and the condition is temporary, which clients and load balancers read from a 5xx;
 * a 403 would tell an SDK its key is wrong.
 */
public final class DisabledRouteControl implements Control {
    private static final Verdict.Deny DISABLED = new Verdict.Deny(503, "route_disabled", "This route is disabled for now.");
    private final ActiveSwitches active;
    private final String routeId;

    public DisabledRouteControl(ActiveSwitches active, String routeId) {
        this.active = active;
        this.routeId = routeId;
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "incident_route";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        return active.disabledRoute(routeId) == null ? Verdict.ALLOWED : DISABLED.future();
    }
}
