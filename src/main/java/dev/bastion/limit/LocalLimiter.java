package dev.bastion.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Limits in this process: the same two algorithms as {@code lua/ratelimit.lua} (a window that starts at
 * its first request; a continuously refilled token bucket), so that falling back from Redis to local
 * limits changes where counters live, not what they mean. A request's limits are taken all or none
 * under one lock — the critical section is a few arithmetic operations per limit.
 * <p>
 * Bucket4j's local buckets were used before; they could not give the window reset time the
 * {@code RateLimit} header needs, nor match the Redis script exactly.
 */
final class LocalLimiter implements Limiter {
    private static final long MAX_KEYS = 1_000_000;

    /** Counter state; guarded by the limiter's lock. */
    private static final class State {
        final long periodMs;
        double a; // window: used; bucket: tokens
        long b;   // window: start; bucket: last refill
        boolean fresh = true;

        State(long periodMs) {
            this.periodMs = periodMs;
        }
    }

    private final Cache<String, State> states;
    private final LongSupplier clock;

    LocalLimiter(LongSupplier millisClock) {
        this.clock = millisClock;
        // An idle counter is dropped after twice its period: by then it is indistinguishable from a new one.
        // Cache upkeep on the calling event loop, in small batches: no hop to the common pool per burst of reads.
        this.states = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_KEYS).expireAfter(Expiry.<String, State>accessing(
                (k, s) -> java.time.Duration.ofMillis(s.periodMs * 2 + 1000))).build();
    }

    LocalLimiter() {
        this(System::currentTimeMillis);
    }

    @Override
    public Future<Decision> acquire(List<Policy> policies, List<String> keys) {
        return Future.succeededFuture(decide(policies, keys));
    }

    synchronized Decision decide(List<Policy> policies, List<String> keys) {
        long now = clock.getAsLong();
        int n = policies.size();
        State[] s = new State[n];
        boolean ok = true;
        for (int i = 0; i < n; i++) {
            Policy p = policies.get(i);
            State st = states.get(keys.get(i), k -> new State(p.periodMs()));
            if (p.bucket()) {
                if (st.fresh) {
                    st.a = p.capacity();
                    st.b = now;
                }
                st.a = Math.min(p.capacity(), st.a + (double) (now - st.b) * p.count() / p.periodMs());
                st.b = now;
                if (st.a < 1) ok = false;
            } else {
                if (st.fresh || now - st.b >= p.periodMs()) {
                    st.a = 0;
                    st.b = now;
                }
                if (st.a + 1 > p.count()) ok = false;
            }
            st.fresh = false;
            s[i] = st;
        }
        long[] remaining = new long[n];
        long[] reset = new long[n];
        for (int i = 0; i < n; i++) {
            Policy p = policies.get(i);
            State st = s[i];
            if (p.bucket()) {
                if (ok) st.a -= 1;
                remaining[i] = (long) Math.floor(st.a);
                reset[i] = st.a < 1 ? (long) Math.ceil((1 - st.a) * p.periodMs() / p.count()) : 0;
            } else {
                if (ok) st.a += 1;
                remaining[i] = p.count() - (long) st.a;
                reset[i] = st.b + p.periodMs() - now;
            }
        }
        return new Decision(ok, remaining, reset);
    }
}
