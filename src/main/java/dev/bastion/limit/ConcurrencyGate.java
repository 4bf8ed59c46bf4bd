package dev.bastion.limit;

import dev.bastion.state.Redelivery;
import dev.bastion.state.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import dev.bastion.state.RedisScript.Sender;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** In-flight slots (L6 concurrency caps): taken before the upstream call, given back when the exchange ends. */
interface ConcurrencyGate {
    /** A held set of slots; {@link #release()} gives them back (idempotent). */
    interface Lease {
        void release();
    }

    /** Takes one slot from every key (all or none); completes with null when a cap is full. */
    Future<Lease> acquire(List<String> keys, List<Integer> maxes);

    /** Slots in this process. */
    final class Local implements ConcurrencyGate {
        private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

        @Override
        public synchronized Future<Lease> acquire(List<String> keys, List<Integer> maxes) {
            for (int i = 0; i < keys.size(); i++) {
                AtomicInteger c = inFlight.get(keys.get(i));
                if (c != null && c.get() >= maxes.get(i)) return Future.succeededFuture(null);
            }
            for (String k : keys) inFlight.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            boolean[] released = {false};
            return Future.succeededFuture(() -> {
                synchronized (Local.this) {
                    if (released[0]) return;
                    released[0] = true;
                    for (String k : keys) {
                        AtomicInteger c = inFlight.get(k);
                        if (c != null && c.decrementAndGet() <= 0) inFlight.remove(k, c);
                    }
                }
            });
        }

        int inFlight(String key) {
            AtomicInteger c = inFlight.get(key);
            return c == null ? 0 : c.get();
        }
    }

    /**
     * Slots in Redis, shared by every instance ({@code lua/concurrency.lua}). A slot is a lease that also
     * expires on its own after {@code leaseMs}, so a node that dies mid-request does not hold it forever.
     * A release Redis did not take (it was down, paused or cut off) is sent again when it answers
     * ({@link Redelivery}): a Redis that kept its data would otherwise hold the slot until the lease ends.
     */
    final class Shared implements ConcurrencyGate {
        static final RedisScript SCRIPT = RedisScript.load("/lua/concurrency.lua");
        private final Sender redis;
        private final long leaseMs;
        private final Redelivery redelivery;

        Shared(Sender redis, long leaseMs, Redelivery redelivery) {
            this.redis = redis;
            this.leaseMs = leaseMs;
            this.redelivery = redelivery;
        }

        @Override
        public Future<Lease> acquire(List<String> keys, List<Integer> maxes) {
            String lease = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
            List<Object> args = new java.util.ArrayList<>(maxes.size() + 2);
            args.add(lease);
            args.add(leaseMs);
            args.addAll(maxes);
            Redelivery.Write release = () -> release(keys, lease);
            // No answer: the script may still have run in a Redis that then went silent or died.
            return SCRIPT.run(redis, keys, args).onFailure(t -> redelivery.later(release)).map(r -> {
                if (r.get(0).toInteger() != 1) return null;
                boolean[] released = {false};
                return () -> {
                    if (released[0]) return;
                    released[0] = true;
                    redelivery.send(release);
                };
            });
        }

        /** Removes the lease from every cap (removing one that is not there changes nothing). */
        private Future<Boolean> release(List<String> keys, String lease) {
            List<Future<Response>> removed = new java.util.ArrayList<>(keys.size());
            for (String k : keys) removed.add(redis.send(Request.cmd(Command.ZREM).arg(k).arg(lease)));
            return Future.all(removed).map(true);
        }
    }
}
