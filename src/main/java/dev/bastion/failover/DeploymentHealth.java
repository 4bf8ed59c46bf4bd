package dev.bastion.failover;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One deployment's health (U5): its circuit breaker (Resilience4j) and its requests in flight. An attempt
 * takes a permission before it is sent and reports how it ended; a breaker that is open makes the
 * catalogue skip the deployment, and after {@code open_for} lets a few probes through.
 * <p>
 * With Redis, other instances' breakers reach this one ({@link #openFromPeer}, {@link #closeFromPeer}).
 * A change that came from a peer is never announced again, so no message can cause another: the only
 * announcements are this instance's own transitions.
 */
public final class DeploymentHealth {
    /** What an attempt's end means for the breaker. */
    public enum Result { SUCCESS, FAILURE, NEUTRAL }

    /** Whose failures opened the breaker: this instance's attempts, or another instance's (through Redis). */
    public enum Origin { LOCAL, PEER }

    private final String id;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder localOpens = new LongAdder();
    private final LongAdder peerOpens = new LongAdder();
    /** The thread applying a peer's change right now: its transition events are not announced. */
    private volatile Thread applyingPeer;
    private volatile Origin openedBy = Origin.LOCAL;
    /** {@link System#nanoTime()} at which the current open wait ends (meaningful while open). */
    private volatile long openUntilNanos;

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

    /** Who opened the breaker (the last time it opened). */
    public Origin openedBy() {
        return openedBy;
    }

    /** Times this breaker opened because of its own attempts' failures. */
    public long localOpens() {
        return localOpens.sum();
    }

    /** Times this breaker opened because another instance announced it open. */
    public long peerOpens() {
        return peerOpens.sum();
    }

    /** How long the breaker stays open from now, if it was opened here (what to tell peers); else 0. */
    long remainingLocalOpenMillis() {
        if (breaker.getState() != CircuitBreaker.State.OPEN || openedBy != Origin.LOCAL) return 0;
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(openUntilNanos - System.nanoTime()));
    }

    /** True while this thread applies a peer's change: the transition it causes is not this instance's to announce. */
    boolean applyingPeerChange() {
        return applyingPeer == Thread.currentThread();
    }

    /** Called on this instance's own transition to open (its attempts failed), for {@code openForMillis}. */
    void openedHere(long openForMillis) {
        openUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(openForMillis);
        openedBy = Origin.LOCAL;
        localOpens.increment();
    }

    /**
     * Another instance opened this deployment's breaker, which stays open there for {@code remainingMillis}
     * more. Opens it here for that long plus {@code probeGraceMillis}, so the instance that opened it probes
     * first (and, when its probe succeeds, closes it everywhere) instead of every instance probing at once.
     * When this instance opened it too, by its own failures, it is one of the openers: no grace, it probes
     * when its wait ends. An open wait is only ever extended, never shortened; a message whose wait is over
     * (a late one) changes nothing.
     */
    synchronized void openFromPeer(long remainingMillis, long probeGraceMillis) {
        if (remainingMillis <= 0) return;
        CircuitBreaker.State state = breaker.getState();
        if (state != CircuitBreaker.State.CLOSED && state != CircuitBreaker.State.HALF_OPEN && state != CircuitBreaker.State.OPEN) return;
        boolean openedHereToo = state == CircuitBreaker.State.OPEN && openedBy == Origin.LOCAL;
        long wait = openedHereToo ? remainingMillis : remainingMillis + probeGraceMillis;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        if (state == CircuitBreaker.State.OPEN && until - openUntilNanos <= 0) return;
        // Who opened it is set before the breaker shows open: a reader that sees "open" never sees the old origin.
        if (state != CircuitBreaker.State.OPEN) {
            openedBy = Origin.PEER;
            peerOpens.increment();
        }
        openUntilNanos = until;
        applyingPeer = Thread.currentThread();
        try {
            breaker.transitionToOpenStateFor(Duration.ofMillis(wait));
        } finally {
            applyingPeer = null;
        }
    }

    /**
     * Another instance's probes succeeded: the deployment answers again, so it is let back in here too
     * rather than after this breaker's own wait and probes. Should it still fail here, this breaker opens
     * again by its own count.
     */
    synchronized void closeFromPeer() {
        CircuitBreaker.State state = breaker.getState();
        if (state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.HALF_OPEN) return;
        applyingPeer = Thread.currentThread();
        try {
            breaker.transitionToClosedState();
        } finally {
            applyingPeer = null;
        }
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    private static final Exception FAILED = new Exception("deployment attempt failed", null, false, false) {};
}
