package dev.bastion.secrets;

/**
 * The current value of a secret that may be re-read while Bastion runs. Whoever sends it reads
 * {@link #current()} once per request, so a request carries either the old value or the new one, never a
 * mix; the swap is one volatile write.
 */
public final class RotatingSecret {
    private volatile Secret current;

    RotatingSecret(Secret initial) {
        this.current = initial;
    }

    /** A secret that never changes (an {@code env:} reference, a test's value). */
    public static RotatingSecret fixed(Secret value) {
        return new RotatingSecret(value);
    }

    public Secret current() {
        return current;
    }

    void replace(Secret next) {
        current = next;
    }
}
