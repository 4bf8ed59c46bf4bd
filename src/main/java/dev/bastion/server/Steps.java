package dev.bastion.server;

import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.observe.GatewayMetrics;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * A chain with a timer per control, created once at start ({@code bastion_step_duration_seconds{route,step}}),
 * so timing a step on the hot path is a record, never a registry lookup.
 */
final class Steps {
    private final Chain chain;
    private final Timer[] timers;

    Steps(Chain chain, String route, GatewayMetrics metrics) {
        this.chain = chain;
        this.timers = new Timer[chain.size()];
        for (int i = 0; i < timers.length; i++) timers[i] = metrics.stepTimer(route, chain.get(i).name());
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
        timers[i].record(nanos, TimeUnit.NANOSECONDS);
    }
}
