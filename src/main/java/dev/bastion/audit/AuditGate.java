package dev.bastion.audit;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.Map;

/**
 * {@code audit.on_failure: refuse}: while the audit trail cannot keep an event — the store is unreachable
 * and the spool is full, or the writer's queue is full — every request on the public listener is refused
 * with 503 {@code audit_unavailable} before any other work, so nothing happens that the trail could not
 * record. The admin listener (health, metrics) stays open so operators can see why.
 */
public final class AuditGate implements Control {
    private static final Verdict.Deny REFUSED = new Verdict.Deny(503, "audit_unavailable",
            "The audit trail cannot record requests right now; try again later.", Map.of("Retry-After", "5"), false);
    private final AuditTrail trail;

    public AuditGate(AuditTrail trail) {
        this.trail = trail;
    }

    @Override
    public Stage stage() {
        return Stage.EDGE;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        return trail.deliverable() ? Verdict.ALLOWED : Future.succeededFuture(REFUSED);
    }
}
