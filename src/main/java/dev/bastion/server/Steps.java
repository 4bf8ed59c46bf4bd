package dev.bastion.server;

import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.observe.GatewayMetrics;

/**
 * A chain with a step timer per control, created once at start ({@code bastion_step_duration_seconds{route,step}}),
 * so timing a step on the hot path is two adds, never a registry lookup.
 */
final class Steps {
    private final Chain chain;
    private final GatewayMetrics.StepTime[] timers;

    Steps(Chain chain, String route, GatewayMetrics metrics) {
        this.chain = chain;
        this.timers = new GatewayMetrics.StepTime[chain.size()];
        for (int i = 0; i < timers.length; i++) timers[i] = metrics.stepTime(route, chain.get(i).name());
    }

    int size() {
        return chain.size();
    }

    Control control(int i) {
        return chain.get(i);
    }

    Chain chain() {
        return chain;
    }

    /** Step {@code i} took {@code nanos}: on the exchange (its access line) and on the step's timer. */
    void timed(Exchange ex, int i, long nanos) {
        ex.stepTime(chain.get(i).name(), nanos);
        timers[i].record(nanos);
    }
}
