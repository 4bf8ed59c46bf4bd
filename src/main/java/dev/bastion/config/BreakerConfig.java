package dev.bastion.config;

import java.time.Duration;

/**
 * The circuit breaker of every deployment (U5): when enough of its recent attempts failed, it is skipped
 * for {@code open_for}, then tried again with a few probes. With Redis configured, a breaker that opens on
 * one instance opens on all of them.
 *
 * @param failureRate   percent of failed attempts in the window that opens the breaker; default 50
 * @param minimumCalls  attempts in the window before the rate counts; default 5
 * @param window        the last N attempts the rate is taken over; default 20
 * @param openFor       how long an open breaker skips its deployment before probing; default 30s
 * @param halfOpenCalls probes let through after {@code open_for}; all must succeed to close; default 2
 */
public record BreakerConfig(Integer failureRate, Integer minimumCalls, Integer window, Duration openFor, Integer halfOpenCalls) {
    public static final BreakerConfig DEFAULT = new BreakerConfig(null, null, null, null, null);

    public BreakerConfig {
        failureRate = failureRate == null ? 50 : failureRate;
        if (failureRate < 1 || failureRate > 100) throw new IllegalArgumentException("failure_rate: " + failureRate + " (expected: 1 to 100 percent)");
        window = window == null ? 20 : window;
        if (window < 1 || window > 1000) throw new IllegalArgumentException("window: " + window + " (expected: 1 to 1000 attempts)");
        minimumCalls = minimumCalls == null ? Math.min(5, window) : minimumCalls;
        if (minimumCalls < 1 || minimumCalls > window) throw new IllegalArgumentException("minimum_calls: " + minimumCalls + " (expected: 1 to window, " + window + ")");
        openFor = openFor == null ? Duration.ofSeconds(30) : openFor;
        EdgeConfig.requirePositive("open_for", openFor);
        halfOpenCalls = halfOpenCalls == null ? 2 : halfOpenCalls;
        if (halfOpenCalls < 1 || halfOpenCalls > 100) throw new IllegalArgumentException("half_open_calls: " + halfOpenCalls + " (expected: 1 to 100)");
    }
}
