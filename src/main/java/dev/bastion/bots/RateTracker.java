package dev.bastion.bots;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/**
 * Requests per client address in the current minute, for the {@code rate_high} signal. Memory is bounded: at most
 * {@code maxClients} addresses are tracked (the least recently seen go first), and an address idle for two minutes is
 * forgotten. Per node: it is a signal, not a limit (the limits package keeps exact, shared counts).
 */
final class RateTracker {
    private final Cache<String, long[]> windows; // {minute, count}
    private final Clock clock;
    private final int perMinute;

    RateTracker(int perMinute, long maxClients, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
        this.windows = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(Duration.ofMinutes(2)).build();
    }

    /** Counts one request from {@code ip}; true when the count is now over the rate. */
    boolean over(String ip) {
        long minute = clock.millis() / 60_000;
        long[] w = windows.get(ip, k -> new long[2]);
        synchronized (w) {
            if (w[0] != minute) {
                w[0] = minute;
                w[1] = 0;
            }
            return ++w[1] > perMinute;
        }
    }
}
