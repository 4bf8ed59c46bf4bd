package dev.bastion.incident;

import dev.bastion.chain.Control;
import dev.bastion.respond.ActiveSwitches;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.failover.Deployment;
import io.vertx.core.Future;

/**
 * Refuses a model an operator disabled ({@code bastion incident disable-model}) on LLM routes, right after the model
 * step: 503 {@code model_disabled}, rendered in the route's provider-style error body like every refusal there. It
 * checks the model asked for (placed before the model step) and the deployment the model step chose (placed after it,
 * where a failover re-enters), so a disabled model is not reached as another model's fallback either: the failover
 * counts it refused and moves on, or gives the client the last real failure.
 */
public final class DisabledModelControl implements Control {
    private static final Verdict.Deny DISABLED = new Verdict.Deny(503, "model_disabled", "This model is disabled for now.");
    private final ActiveSwitches active;

    public DisabledModelControl(ActiveSwitches active) {
        this.active = active;
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "incident_model";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        if (!active.any()) return Verdict.ALLOWED;
        Deployment chosen = ex.attribute(Deployment.class);
        if (chosen != null && active.disabledModel(chosen.publicName()) != null) return DISABLED.future();
        String asked = ex.json() == null || ex.json().tree() == null ? null : ex.json().tree().path("model").asText(null);
        return active.disabledModel(asked) == null ? Verdict.ALLOWED : DISABLED.future();
    }
}
