package dev.bastion.limit;

import dev.bastion.state.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits in Redis, shared by every instance (L5): one {@code EVALSHA} of {@code lua/ratelimit.lua} per
 * request takes one unit from all of the request's limits atomically, so N instances together admit
 * exactly what one would. Non-blocking (Vert.x Redis client). Keys: {@code bastion:rl:…}; standalone or
 * Sentinel Redis (a cluster would need all of a request's keys in one slot).
 */
final class RedisLimiter implements Limiter {
    static final RedisScript SCRIPT = RedisScript.load("/lua/ratelimit.lua");

    private final Redis redis;

    RedisLimiter(Redis redis) {
        this.redis = redis;
    }

    @Override
    public Future<Decision> acquire(List<Policy> policies, List<String> keys) {
        List<Object> args = new ArrayList<>(policies.size() * 4);
        for (Policy p : policies) {
            args.add(p.bucket() ? "b" : "w");
            args.add(p.count());
            args.add(p.periodMs());
            args.add(p.capacity());
        }
        return SCRIPT.run(redis, keys, args).map(resp -> {
            int n = policies.size();
            long[] remaining = new long[n];
            long[] reset = new long[n];
            for (int i = 0; i < n; i++) {
                remaining[i] = resp.get(1 + 2 * i).toLong();
                reset[i] = resp.get(2 + 2 * i).toLong();
            }
            return new Decision(resp.get(0).toInteger() == 1, remaining, reset);
        });
    }
}
