package dev.bastion.audit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authentication failures per client IP: the first {@code perMinute} of each IP's minute are recorded, the
 * rest counted (a credential-stuffing run must not flood the trail, nor vanish from it). Bounded: at most
 * {@value #MAX_SOURCES} IPs are tracked per minute; beyond that, failures are counted only.
 */
final class AuthFailureSampler {
    static final int MAX_SOURCES = 10_000;
    private final int perMinute;
    private final AtomicLong total = new AtomicLong();
    private volatile long minute = -1;
    private volatile ConcurrentHashMap<String, long[]> seen = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<String, long[]> previous = new ConcurrentHashMap<>();

    AuthFailureSampler(int perMinute) {
        this.perMinute = perMinute;
    }

    /** -1: count only; else record, with the number of this IP's failures not recorded before this one. */
    long admit(String ip, long now) {
        total.incrementAndGet();
        if (perMinute == 0) return -1;
        long m = now / 60_000;
        if (m != minute) {
            synchronized (this) {
                if (m != minute) {
                    previous = seen; // what was not recorded last minute is carried into this minute's first record
                    seen = new ConcurrentHashMap<>();
                    minute = m;
                }
            }
        }
        ConcurrentHashMap<String, long[]> map = seen;
        if (map.size() >= MAX_SOURCES && !map.containsKey(ip == null ? "-" : ip)) return -1;
        ConcurrentHashMap<String, long[]> before = previous;
        long[] c = map.computeIfAbsent(ip == null ? "-" : ip, k -> {
            long[] old = before.get(k);
            return new long[] {0, old == null ? 0 : old[1]}; // [recorded, not recorded]
        });
        synchronized (c) {
            if (c[0] < perMinute) {
                c[0]++;
                long skipped = c[1];
                c[1] = 0;
                return skipped;
            }
            c[1]++;
            return -1;
        }
    }

    long total() {
        return total.get();
    }
}
