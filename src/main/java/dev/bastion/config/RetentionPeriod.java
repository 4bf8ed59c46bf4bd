package dev.bastion.config;

import java.time.Duration;

/**
 * How long one class of data is kept: a duration ({@code 365d}), or {@code off} to keep it for ever.
 *
 * @param keep how long; null when {@code off}
 */
public record RetentionPeriod(Duration keep) {
    public static final RetentionPeriod OFF = new RetentionPeriod(null);

    public RetentionPeriod {
        if (keep != null && keep.isNegative()) throw new IllegalArgumentException("a retention period cannot be negative");
    }

    public static RetentionPeriod of(Duration keep) {
        return new RetentionPeriod(keep);
    }

    /** {@code off}, or a duration in the config's syntax. */
    public static RetentionPeriod parse(String text) {
        return "off".equals(text.trim()) ? OFF : new RetentionPeriod(Durations.parse(text));
    }

    public boolean enabled() {
        return keep != null;
    }

    @Override
    public String toString() {
        return keep == null ? "off" : Durations.format(keep);
    }
}
