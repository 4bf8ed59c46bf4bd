package dev.bastion.secrets;

import java.time.Duration;

/**
 * The current value of a secret that may be re-read while Bastion runs. Whoever sends it reads
 * {@link #current()} once per request, so a request carries either the old value or the new one, never a
 * mix; the swap is one volatile write. The value it replaced stays at hand for a grace window
 * ({@link #previousInGrace()}): a provider that has not taken the new key yet (a key written to the secret store
 * before it was activated, a propagation delay) can still be answered with the old one.
 */
public final class RotatingSecret {
    private record State(Secret current, Secret previous, long rotatedAtNanos) {}

    private final long graceNanos;
    private volatile State state;

    RotatingSecret(Secret initial, Duration grace) {
        this.state = new State(initial, null, 0);
        this.graceNanos = grace.toNanos();
    }

    RotatingSecret(Secret initial) {
        this(initial, Duration.ZERO);
    }

    /** A secret that never changes (an {@code env:} reference, a test's value). */
    public static RotatingSecret fixed(Secret value) {
        return new RotatingSecret(value);
    }

    public Secret current() {
        return state.current();
    }

    /** The value the last rotation replaced, while that rotation is younger than the grace window; else null. */
    public Secret previousInGrace() {
        State s = state;
        if (s.previous() == null || System.nanoTime() - s.rotatedAtNanos() >= graceNanos) return null;
        return s.previous();
    }

    void replace(Secret next) {
        state = new State(next, state.current(), System.nanoTime());
    }
}
