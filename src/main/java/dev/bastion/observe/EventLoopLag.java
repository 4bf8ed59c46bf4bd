package dev.bastion.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop lag: how long a task queued on an event loop waits before it runs. Each measured loop keeps a
 * timer set {@code interval} ahead; how late it fires is the time the loop spent on other work first — what
 * every request queued on that loop waits too. Recorded as {@code bastion_event_loop_lag_seconds{loop}}
 * (count, sum, and the recent max), so a soak can see whether a loop slowly fills up.
 */
public final class EventLoopLag {
    private final MeterRegistry registry;
    private final long intervalMs;

    public EventLoopLag(MeterRegistry registry, Duration interval) {
        if (interval.toMillis() < 1) throw new IllegalArgumentException("event-loop lag interval must be at least 1 ms, got " + interval);
        this.registry = registry;
        this.intervalMs = interval.toMillis();
    }

    /** Starts measuring the loop the caller runs on (a verticle's start); closing the probe stops it. */
    public Probe measureCurrentLoop(Vertx vertx, String loop) {
        if (!io.vertx.core.Context.isOnEventLoopThread()) throw new IllegalStateException("not on an event loop: " + Thread.currentThread().getName());
        Timer lag = Timer.builder("bastion.event.loop.lag").description("How late a timer on the event loop fired: time queued work waits")
                .tag("loop", loop).register(registry);
        Probe probe = new Probe(vertx, lag);
        probe.schedule();
        return probe;
    }

    /** One loop's measurement; a timer set on the loop's context fires on that loop. */
    public final class Probe implements AutoCloseable {
        private final Vertx vertx;
        private final Timer lag;
        private volatile boolean closed;
        private volatile long timerId = -1;

        private Probe(Vertx vertx, Timer lag) {
            this.vertx = vertx;
            this.lag = lag;
        }

        private void schedule() {
            long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
            timerId = vertx.setTimer(intervalMs, id -> {
                lag.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
                if (!closed) schedule();
            });
        }

        @Override
        public void close() {
            closed = true;
            vertx.cancelTimer(timerId);
        }
    }
}
