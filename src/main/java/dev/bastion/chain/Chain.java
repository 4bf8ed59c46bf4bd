package dev.bastion.chain;

import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's controls in stage order, assembled once at config load. Running it stops at the first
 * {@link Verdict.Deny}. A control whose future fails, or that throws, is a fault: the exchange ends
 * with 503 {@code control_fault} — never with an allow.
 */
public final class Chain {
    private static final Logger log = LoggerFactory.getLogger(Chain.class);
    static final Verdict.Deny FAULT = new Verdict.Deny(503, "control_fault", "A security control could not decide; the request was refused.");

    private final List<Control> controls;

    public Chain(List<Control> controls) {
        for (int i = 1; i < controls.size(); i++) {
            if (controls.get(i).stage().compareTo(controls.get(i - 1).stage()) < 0) {
                throw new IllegalArgumentException("control " + controls.get(i).name() + " (" + controls.get(i).stage()
                        + ") is placed after " + controls.get(i - 1).name() + " (" + controls.get(i - 1).stage() + ")");
            }
        }
        this.controls = List.copyOf(controls);
    }

    public List<Control> controls() {
        return controls;
    }

    public boolean isEmpty() {
        return controls.isEmpty();
    }

    /** Runs every control in order; completes with the first Deny, or {@link Verdict#ALLOW}. */
    public Future<Verdict> run(Exchange exchange) {
        return runFrom(0, exchange);
    }

    private Future<Verdict> runFrom(int start, Exchange exchange) {
        for (int i = start; i < controls.size(); i++) {
            Control control = controls.get(i);
            Future<Verdict> f;
            try {
                f = control.check(exchange);
            } catch (RuntimeException e) {
                return fault(control, exchange, e);
            }
            if (f == null) return fault(control, exchange, new NullPointerException("check returned null"));
            if (f.isComplete()) {
                // Fast path: synchronous decisions (most of them) continue without allocating a continuation.
                if (f.failed()) return fault(control, exchange, f.cause());
                if (f.result() instanceof Verdict.Deny || f.result() instanceof Verdict.Respond) return f;
                if (f.result() == null) return fault(control, exchange, new NullPointerException("null verdict"));
                continue;
            }
            int next = i + 1;
            return f.transform(ar -> {
                if (ar.failed()) return fault(control, exchange, ar.cause());
                if (ar.result() instanceof Verdict.Deny || ar.result() instanceof Verdict.Respond) return Future.succeededFuture(ar.result());
                if (ar.result() == null) return fault(control, exchange, new NullPointerException("null verdict"));
                return runFrom(next, exchange);
            });
        }
        return Verdict.ALLOWED;
    }

    private static Future<Verdict> fault(Control control, Exchange exchange, Throwable cause) {
        // The cause's class and message may describe internals; they go to the log, never to the client.
        log.error("control {} failed on request {}: {}", control.name(), exchange.requestId(), cause.toString());
        return FAULT.future();
    }
}
