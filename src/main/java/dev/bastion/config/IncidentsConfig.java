package dev.bastion.config;

import java.time.Duration;

/**
 * Incident switches (R2): operator-made blocks, suspensions and a lockdown, thrown with {@code bastion incident …}
 * or the admin API (docs/operations.md).
 *
 * Who may throw them through {@code /admin/v1/incidents} is not configured here: a caller holding the {@code operator}
 * scope (docs/operations.md#roles).
 *
 * @param maxFor       the longest a switch may last (every switch has an expiry; default 30d, at most 365d): a longer
 *                     one is refused, so nothing is switched off for good by a slip of the keyboard
 * @param pollInterval how often each node reads switches thrown or lifted elsewhere from the store (the path that works
 *                     without Redis); default 1s. With {@code redis.url} every node applies a switch at once
 */
public record IncidentsConfig(Duration maxFor, Duration pollInterval) {
    private static final Duration CEILING = Duration.ofDays(365); // before DEFAULTS, whose constructor reads it
    public static final IncidentsConfig DEFAULTS = new IncidentsConfig(null, null);

    public IncidentsConfig {
        maxFor = maxFor == null ? Duration.ofDays(30) : maxFor;
        EdgeConfig.requirePositive("max_for", maxFor);
        if (maxFor.compareTo(CEILING) > 0) {
            throw new IllegalArgumentException("max_for: " + Durations.format(maxFor) + " (expected: at most 365d)");
        }
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        EdgeConfig.requirePositive("poll_interval", pollInterval);
    }
}
