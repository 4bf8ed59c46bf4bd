package dev.bastion.limit;

import dev.bastion.config.RouteConfig;

/**
 * One limit as the limiters evaluate it.
 *
 * @param name     for the {@code RateLimit-Policy} header
 * @param bucket   a token bucket (refilled continuously) rather than a window (reset at once)
 * @param count    requests per period
 * @param periodMs the period
 * @param capacity the bucket's size (for a window: {@code count})
 */
record Policy(String name, boolean bucket, long count, long periodMs, long capacity) {
    static Policy of(RouteConfig.Limit l) {
        return new Policy(l.name(), l.bucket(), l.rate().count(), l.rate().period().toMillis(), l.bucket() ? l.burst() : l.rate().count());
    }
}
