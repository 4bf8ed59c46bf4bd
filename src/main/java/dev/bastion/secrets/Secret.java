package dev.bastion.secrets;

import java.util.Objects;

/**
 * A secret value. Its {@code toString} is redacted so that a secret passed to a logger, an exception
 * message or string concatenation never prints; the value is read only through {@link #reveal()} at
 * the one place that sends it.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
