package dev.bastion.authn.jwt;

import java.time.Instant;

/**
 * JWT NumericDate claims ({@code exp}, {@code nbf}, {@code iat}; RFC 7519 §2) as instants. A validly
 * signed token may carry any JSON number there — 4·10¹⁰, 10³⁰, −10³⁰ — and such dates used to throw
 * ({@code DateTimeException}, {@code ArithmeticException}), so the token got 503 {@code control_fault}
 * instead of its 401. A date beyond what {@link Instant} holds reads as the farthest instant on its side.
 * Callers compare these instants and never add to them (the clock skew goes onto <em>now</em>):
 * {@code Instant.MAX} plus anything still throws.
 */
public final class NumericDates {
    private NumericDates() {}

    /** Seconds since the epoch as an instant, clamped to {@link Instant#MIN} .. {@link Instant#MAX}. */
    public static Instant toInstant(Number seconds) {
        double value = seconds.doubleValue();
        if (value >= Instant.MAX.getEpochSecond()) return Instant.MAX;
        if (value <= Instant.MIN.getEpochSecond()) return Instant.MIN;
        return Instant.ofEpochSecond(seconds.longValue());
    }
}
