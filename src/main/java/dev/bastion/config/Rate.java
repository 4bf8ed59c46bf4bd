package dev.bastion.config;

import java.time.Duration;

/**
 * A request rate written {@code COUNT/PERIOD}: {@code 100/1m}, {@code 2000/5m}, {@code 10/s}.
 * A bare unit ({@code /s}, {@code /m}) means one of it.
 */
public record Rate(long count, Duration period) {
    public Rate {
        if (count <= 0) throw new IllegalArgumentException("rate count: " + count + " (expected: > 0)");
        if (period.isZero() || period.isNegative()) throw new IllegalArgumentException("rate period: " + period + " (expected: > 0)");
    }

    public static Rate parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a rate (expected: COUNT/PERIOD, e.g. 100/1m)");
        }
        long count;
        try {
            count = Long.parseLong(t.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rate (expected: COUNT/PERIOD, e.g. 100/1m)");
        }
        String p = t.substring(slash + 1).trim();
        Duration period = Character.isDigit(p.charAt(0)) ? Durations.parse(p) : Durations.parse("1" + p);
        return new Rate(count, period);
    }

    @Override
    public String toString() {
        return count + "/" + Durations.format(period);
    }
}
