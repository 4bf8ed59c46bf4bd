package dev.bastion.chain;

import io.vertx.core.Future;

/**
 * One security control on the request path. It decides; it never writes the response.
 * A {@link Verdict.Deny} ends the exchange with that status; a failed future is a fault, which the
 * chain turns into a 503 — a broken control never lets a request through.
 */
public interface Control {
    Stage stage();

    /** Stable name for logs and metrics, e.g. {@code authenticate}. */
    String name();

    Future<Verdict> check(Exchange exchange);

    /** Whether this control reads the request body; the chain reads the body before the first such control. */
    default boolean needsBody() {
        return false;
    }

    /**
     * Whether a request that fails over to another deployment runs the chain again from this control on:
     * the first such control of a route marks where the policy that depends on the model begins.
     */
    default boolean reentryPoint() {
        return false;
    }
}
