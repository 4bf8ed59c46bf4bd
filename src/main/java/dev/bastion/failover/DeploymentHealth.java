package dev.bastion.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One deployment's health (U5): its circuit breaker (Resilience4j) and its requests in flight. An attempt
 * takes a permission before it is sent and reports how it ended; a breaker that is open makes the
 * catalogue skip the deployment, and after {@code open_for} lets a few probes through.
 */
public final class DeploymentHealth {
    /** What an attempt's end means for the breaker. */
    public enum Result { SUCCESS, FAILURE, NEUTRAL }

    private final String id;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();

    DeploymentHealth(String id, CircuitBreaker breaker) {
        this.id = id;
        this.breaker = breaker;
    }

    /** {@code upstream/model}: how the access line, the metrics and the admin listener name it. */
    public String id() {
        return id;
    }

    /** False while the breaker is open: the deployment is skipped without trying it. */
    public boolean available() {
        return breaker.getState() != CircuitBreaker.State.OPEN && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
    }

    public String state() {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case HALF_OPEN -> "half_open";
            case OPEN, FORCED_OPEN -> "open";
        };
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long successes() {
        return successes.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** Starts an attempt: false when the breaker refuses it (open, or its half-open probes are all out). */
    public boolean start() {
        if (!breaker.tryAcquirePermission()) return false;
        inFlight.incrementAndGet();
        return true;
    }

    /** Reports how an attempt {@link #start() started} earlier went, exactly once (at its first bytes, or its failure). */
    public void end(Result result, long nanos) {
        switch (result) {
            case SUCCESS -> {
                successes.increment();
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
            case FAILURE -> {
                failures.increment();
                breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILED);
            }
            case NEUTRAL -> breaker.releasePermission(); // a 429 or a client error says nothing about the deployment's health
        }
    }

    /** The attempt's request is over (its answer relayed, or it failed): it no longer counts as in flight. */
    public void leave() {
        inFlight.decrementAndGet();
    }

    /** Another instance saw this deployment fail: stop sending to it here too, until this breaker's own wait ends. */
    void openFromElsewhere() {
        if (breaker.getState() == CircuitBreaker.State.CLOSED || breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            breaker.transitionToOpenState();
        }
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    private static final Exception FAILED = new Exception("deployment attempt failed", null, false, false) {};
}
