package dev.bastion.bots;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bastion.state.RedisScript;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests per client address in the current minute, for the {@code rate_high} signal. With shared state (Redis,
 * as the limits use it) every node counts into one key per address and minute — one script call — so a client
 * spread over the nodes behind a load balancer counts as on one; while Redis fails, and without it, this node
 * counts alone. Local memory is bounded: at most {@code maxClients} addresses (the least recently seen go first),
 * each forgotten after two idle minutes. It is a signal, not a limit: a failure never refuses anything.
 */
final class RateTracker {
    private static final Logger log = LoggerFactory.getLogger(RateTracker.class);
    private static final RedisScript SCRIPT = RedisScript.load("/lua/bot_rate.lua");

    private final Cache<String, long[]> windows; // {minute, count}
    private final Clock clock;
    private final int perMinute;
    private final RedisScript.Sender redis; // null: this node only
    private final AtomicBoolean redisDown = new AtomicBoolean();

    RateTracker(int perMinute, long maxClients, Clock clock, RedisScript.Sender redis) {
        this.perMinute = perMinute;
        this.clock = clock;
        this.redis = redis;
        this.windows = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(Duration.ofMinutes(2)).build();
    }

    /** Counts one request from {@code ip}; true when the count is now over the rate. Never fails. */
    Future<Boolean> over(String ip) {
        if (redis == null) return Future.succeededFuture(overLocally(ip));
        long minute = clock.millis() / 60_000;
        return SCRIPT.run(redis, List.of("bastion:bots:rate:{" + ip + "}:" + minute), List.<Object>of(120_000)).map(r -> {
            if (redisDown.compareAndSet(true, false)) log.info("bots: Redis answers again; rate_high counts across nodes");
            return r.toLong() > perMinute;
        }).recover(t -> {
            if (redisDown.compareAndSet(false, true)) log.warn("bots: Redis unreachable ({}); rate_high counts on this node only until it is back", t.getClass().getSimpleName());
            return Future.succeededFuture(overLocally(ip));
        });
    }

    private boolean overLocally(String ip) {
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
