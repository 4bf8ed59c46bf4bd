package dev.bastion.limit;

import dev.bastion.state.RedisScript;
import dev.bastion.state.RedisScript.Sender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits in Redis, shared by every instance (L5): {@code lua/ratelimit.lua} takes one unit from all of a
 * request's limits atomically, so N instances together admit exactly what one would. Decisions asked
 * for on one event loop in one turn go to Redis together, as one script run: under load Redis runs one
 * script for many decisions instead of one each, which is what keeps shared limits within a few percent
 * of in-process ones (docs/performance.md). Each decision is still made alone and in arrival order.
 * Keys: {@code bastion:rl:…}; standalone Redis (a cluster would need a batch in one slot).
 */
final class RedisLimiter implements Limiter {
    static final RedisScript SCRIPT = RedisScript.load("/lua/ratelimit.lua");
    /** Decisions per script run at most: a run blocks Redis, so it stays short. */
    static final int MAX_BATCH = 64;

    private record Pending(List<Policy> policies, List<String> keys, Promise<Decision> promise) {}

    private final Sender redis;
    /** Per event-loop thread (every request has its own duplicated context; the loop is what they share). */
    private final Map<Thread, List<Pending>> batches = new ConcurrentHashMap<>();

    RedisLimiter(Sender redis) {
        this.redis = redis;
    }

    @Override
    public Future<Decision> acquire(List<Policy> policies, List<String> keys) {
        Context ctx = Vertx.currentContext();
        if (ctx == null || !ctx.isEventLoopContext()) return run(List.of(new Pending(policies, keys, Promise.promise()))).getFirst().promise().future();
        Promise<Decision> p = Promise.promise();
        Thread loop = Thread.currentThread();
        List<Pending> batch = batches.get(loop);
        if (batch == null) {
            batch = new ArrayList<>(8);
            batches.put(loop, batch);
            ctx.runOnContext(v -> flush(loop)); // after the requests this turn of the event loop is handling
        }
        batch.add(new Pending(policies, keys, p));
        if (batch.size() >= MAX_BATCH) flush(loop);
        return p.future();
    }

    private void flush(Thread loop) {
        List<Pending> batch = batches.remove(loop);
        if (batch != null && !batch.isEmpty()) run(batch);
    }

    private List<Pending> run(List<Pending> batch) {
        List<String> keys = new ArrayList<>(batch.size() * 2);
        List<Object> args = new ArrayList<>(1 + batch.size() * 9);
        args.add(batch.size());
        for (Pending p : batch) {
            keys.addAll(p.keys());
            args.add(p.policies().size());
            for (Policy pol : p.policies()) {
                args.add(pol.bucket() ? "b" : "w");
                args.add(pol.count());
                args.add(pol.periodMs());
                args.add(pol.capacity());
            }
        }
        SCRIPT.run(redis, keys, args).onComplete(ar -> {
            if (ar.failed()) {
                for (Pending p : batch) p.promise().tryFail(ar.cause());
                return;
            }
            Response r = ar.result();
            int at = 0;
            for (Pending p : batch) {
                int n = p.policies().size();
                boolean allowed = r.get(at++).toInteger() == 1;
                long[] remaining = new long[n];
                long[] reset = new long[n];
                for (int i = 0; i < n; i++) {
                    remaining[i] = r.get(at++).toLong();
                    reset[i] = r.get(at++).toLong();
                }
                p.promise().tryComplete(new Decision(allowed, remaining, reset));
            }
        });
        return batch;
    }
}
