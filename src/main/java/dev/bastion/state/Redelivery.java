package dev.bastion.state;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Redis must receive even though it did not answer when they were made: the release of a concurrency
 * slot or a budget reservation, a budget settlement. Without this a request that ends while Redis is down,
 * paused or cut off leaves its slot or reservation held in a Redis that kept its data until the lease runs
 * out, and the caller is refused on capacity nobody uses.
 * <p>
 * Every write is idempotent — a command that timed out may still run when a paused Redis wakes, and is then
 * sent again — so "at least once" here is exactly once in Redis. Writes wait in memory (bounded) and are sent
 * again every probe interval while any wait, and as soon as a probe finds Redis back.
 */
public final class Redelivery {
    /** One idempotent write to Redis. */
    @FunctionalInterface
    public interface Write {
        /** Sends it; true when it needs no further sending, false to try again in a later round. */
        Future<Boolean> send();
    }

    private static final Logger log = LoggerFactory.getLogger(Redelivery.class);
    static final int MAX_WAITING = 100_000;

    private final String name;
    private final BackendGuard guard;
    private final long intervalMs;
    private final ConcurrentLinkedQueue<Write> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean ticking = new AtomicBoolean();
    private final AtomicLong lastDropLog = new AtomicLong();

    Redelivery(String name, BackendGuard guard, long intervalMs) {
        this.name = name;
        this.guard = guard;
        this.intervalMs = intervalMs;
    }

    /** Writes not delivered yet: waiting for a round, or being sent in one. */
    public int waiting() {
        return size.get();
    }

    /** Sends {@code w} now; if Redis does not take it, it waits for a later round. */
    public void send(Write w) {
        guard.attempt(w::send).onComplete(ar -> {
            if (ar.failed() || !ar.result()) later(w);
        });
    }

    /** Keeps {@code w} for the next round (Redis is known not to answer now). */
    public void later(Write w) {
        waiting.add(w);
        if (size.incrementAndGet() > MAX_WAITING && waiting.poll() != null) {
            size.decrementAndGet();
            long now = System.currentTimeMillis();
            long last = lastDropLog.get();
            if (now - last > 10_000 && lastDropLog.compareAndSet(last, now)) {
                log.warn("{}: more than {} writes wait for Redis; the oldest are dropped (a dropped release is freed by its lease, "
                        + "dropped usage stays in the store)", name, MAX_WAITING);
            }
        }
        tick(Vertx.currentContext());
    }

    /**
     * A round every interval on {@code ctx} while writes are undelivered; without a context, rounds follow the
     * probes. Counted by {@code size}, not the queue: a write a round is sending is out of the queue, and if
     * Redis does not take it, it needs the next round (with the circuit closed no probe would start one).
     */
    private void tick(Context ctx) {
        if (ctx == null || !ticking.compareAndSet(false, true)) return;
        ctx.owner().setPeriodic(intervalMs, intervalMs, id -> {
            if (size.get() > 0) {
                round();
                return;
            }
            ctx.owner().cancelTimer(id);
            ticking.set(false);
            if (size.get() > 0) tick(ctx); // one arrived between the check and the stop
        });
    }

    /** Sends every waiting write once, one after another, until Redis stops answering. */
    void round() {
        if (waiting.isEmpty() || !sending.compareAndSet(false, true)) return;
        next(new ArrayList<>());
    }

    private void next(List<Write> again) {
        Write w = waiting.poll();
        if (w == null) {
            finish(again);
            return;
        }
        guard.attempt(w::send).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
                size.decrementAndGet();
                next(again);
            } else if (ar.succeeded()) {
                again.add(w);
                next(again);
            } else {
                again.add(w);
                finish(again); // Redis went away again: the rest waits for the next round
            }
        });
    }

    private void finish(List<Write> again) {
        waiting.addAll(again); // still counted in size: taken out of the queue, not delivered
        sending.set(false);
    }
}
