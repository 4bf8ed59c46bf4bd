package dev.bastion.state;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to a shared backend (Redis) with an explicit failure path: each call waits at most
 * {@code timeout}; a failure or timeout is counted, logged (at most every 10 s, and at every circuit
 * change) and answered by the fallback. A circuit breaker (Resilience4j) stops calling an unreachable
 * backend after repeated failures, so requests do not each wait for the timeout.
 * <p>
 * An open circuit is probed in the background: every {@code probeInterval} a {@code PING} goes over the
 * same connection the calls use, and the first answer closes the circuit. So the first burst after Redis
 * returns is counted in Redis — not three trial calls through a half-open circuit and the rest of the
 * burst sent to the failure mode, as when traffic itself had to probe.
 * <p>
 * On the hot path this costs no cross-thread work: each event loop has its own breaker (as it has its
 * own Redis connection, see {@link RedisPipe}) so recording an outcome never contends on a lock, and
 * the timeout is a timer on the calling event loop. (Measured: a breaker shared by all loops, and
 * {@code Future.timeout}, which schedules on Netty's global executor thread, cost more CPU per request
 * than the Redis call itself.)
 */
public final class BackendGuard {
    private static final Logger log = LoggerFactory.getLogger(BackendGuard.class);

    private static final long NO_PROBE = -1, PROBE_STARTING = -2; // Vert.x timer ids are >= 0

    /** One event loop's circuit, and the timer probing it while it is open. */
    private static final class Loop {
        final CircuitBreaker breaker;
        final AtomicLong probeTimer = new AtomicLong(NO_PROBE);
        final AtomicBoolean probing = new AtomicBoolean();

        Loop(CircuitBreaker breaker) {
            this.breaker = breaker;
        }
    }

    private final String name;
    private final long timeoutMs;
    private final long probeMs;
    private final RedisScript.Sender redis;
    private final CircuitBreakerConfig loopConfig;
    private final Map<Thread, Loop> loops = new ConcurrentHashMap<>();
    /** Callers outside an event loop (CLI, workers) have no timer to probe with: their circuit half-opens by itself. */
    private final CircuitBreaker shared;
    private final Redelivery redelivery;
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong();

    /**
     * @param redis where probes go: the same pipe as the guarded calls, so a probe tests the connection
     *              the next call will use
     */
    public BackendGuard(String name, Duration timeout, Duration probeInterval, RedisScript.Sender redis) {
        this.name = name;
        this.timeoutMs = timeout.toMillis();
        this.probeMs = Math.max(1, probeInterval.toMillis());
        this.redis = redis;
        // An event loop's circuit is closed by its probe; the wait is only a backstop should no probe answer ever arrive.
        this.loopConfig = breaker(Duration.ofMillis(Math.max(60_000, 30 * probeMs)));
        this.shared = CircuitBreaker.of(name, breaker(probeInterval));
        this.redelivery = new Redelivery(name, this, probeMs);
    }

    private static CircuitBreakerConfig breaker(Duration openFor) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build();
    }

    public long failures() {
        return failures.sum();
    }

    /** Circuits (one per event loop) that are not closed: calls on those loops go to the fallback. */
    public int openCircuits() {
        int open = shared.getState() == CircuitBreaker.State.CLOSED ? 0 : 1;
        for (Loop l : loops.values()) if (l.breaker.getState() != CircuitBreaker.State.CLOSED) open++;
        return open;
    }

    /** Writes that wait for Redis to answer again (releases, settlements). */
    public Redelivery redelivery() {
        return redelivery;
    }

    /**
     * Counts this guard's fallback answers as {@code bastion_shared_state_failures_total{kind=NAME}}, its open
     * circuits as {@code bastion_shared_state_open_circuits} and its waiting writes as
     * {@code bastion_shared_state_undelivered}.
     */
    public void registerMetric(MeterRegistry registry) {
        FunctionCounter.builder("bastion.shared_state.failures", this, BackendGuard::failures)
                .description("Decisions answered by the failure mode because Redis was unreachable").tag("kind", name).register(registry);
        Gauge.builder("bastion.shared_state.open_circuits", this, BackendGuard::openCircuits)
                .description("Event loops whose Redis circuit is open (their calls go to the failure mode)").tag("kind", name).register(registry);
        Gauge.builder("bastion.shared_state.undelivered", redelivery, Redelivery::waiting)
                .description("Releases and settlements waiting for Redis to answer again").tag("kind", name).register(registry);
    }

    private Loop loop(Context ctx) {
        if (ctx == null || !ctx.isEventLoopContext()) return null;
        return loops.computeIfAbsent(Thread.currentThread(), t -> new Loop(CircuitBreaker.of(name + "@" + t.getName(), loopConfig)));
    }

    public <T> Future<T> call(Supplier<Future<T>> primary, Supplier<Future<T>> fallback) {
        return call(primary, fallback, null);
    }

    /**
     * @param lateAnswer receives an answer the primary gave after its timeout, when the fallback has already
     *                   answered the caller: to give back what it took — a reservation, a lease, a claim — so
     *                   nothing stays held in Redis for a request that no longer counts on it, or to report
     *                   what it did
     */
    public <T> Future<T> call(Supplier<Future<T>> primary, Supplier<Future<T>> fallback, Consumer<T> lateAnswer) {
        Context ctx = Vertx.currentContext();
        Loop loop = loop(ctx);
        CircuitBreaker breaker = loop == null ? shared : loop.breaker;
        if (!breaker.tryAcquirePermission()) return failed(breaker, null, fallback);
        long start = System.nanoTime();
        Future<T> f;
        try {
            f = primary.get();
        } catch (RuntimeException e) {
            record(ctx, loop, breaker, start, e);
            return failed(breaker, e, fallback);
        }
        Future<T> answer = f;
        return bounded(ctx, f).transform(ar -> {
            record(ctx, loop, breaker, start, ar.failed() ? ar.cause() : null);
            if (ar.succeeded()) return Future.succeededFuture(ar.result());
            if (lateAnswer != null && !answer.isComplete()) answer.onSuccess(late -> {
                if (late != null) lateAnswer.accept(late);
            });
            return failed(breaker, ar.cause(), fallback);
        });
    }

    /**
     * One call with no fallback (a write sent again, see {@link Redelivery}): refused at once while the
     * circuit is open, bounded by the timeout, and counted by the breaker like any call.
     */
    <T> Future<T> attempt(Supplier<Future<T>> op) {
        Context ctx = Vertx.currentContext();
        Loop loop = loop(ctx);
        CircuitBreaker breaker = loop == null ? shared : loop.breaker;
        if (!breaker.tryAcquirePermission()) return Future.failedFuture("Redis circuit open");
        long start = System.nanoTime();
        Future<T> f;
        try {
            f = op.get();
        } catch (RuntimeException e) {
            record(ctx, loop, breaker, start, e);
            return Future.failedFuture(e);
        }
        return bounded(ctx, f).andThen(ar -> record(ctx, loop, breaker, start, ar.failed() ? ar.cause() : null));
    }

    /** {@code f}, or a timeout failure after {@code timeoutMs}: a timer on the calling event loop. */
    private <T> Future<T> bounded(Context ctx, Future<T> f) {
        if (f.isComplete()) return f;
        if (ctx == null) return f.timeout(timeoutMs, TimeUnit.MILLISECONDS);
        Promise<T> p = Promise.promise();
        Vertx vertx = ctx.owner();
        long timer = vertx.setTimer(timeoutMs, id -> p.tryFail(new TimeoutException("no answer from Redis within " + timeoutMs + " ms")));
        f.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) p.tryComplete(ar.result());
            else p.tryFail(ar.cause());
        });
        return p.future();
    }

    private void record(Context ctx, Loop loop, CircuitBreaker breaker, long start, Throwable error) {
        CircuitBreaker.State before = breaker.getState();
        if (error == null) breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        else breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
        CircuitBreaker.State after = breaker.getState();
        if (after == before) return;
        log.warn("{}: Redis circuit {} → {} ({})", name, before, after, breaker.getName());
        if (after == CircuitBreaker.State.OPEN && loop != null) probeWhileOpen(ctx, loop);
    }

    /** Starts the loop's probe timer (on that loop, so the probe uses the loop's own Redis connection). */
    private void probeWhileOpen(Context ctx, Loop loop) {
        if (!loop.probeTimer.compareAndSet(NO_PROBE, PROBE_STARTING)) return;
        loop.probeTimer.set(ctx.owner().setPeriodic(probeMs, probeMs, id -> probe(ctx, loop)));
    }

    private void probe(Context ctx, Loop loop) {
        if (loop.breaker.getState() == CircuitBreaker.State.CLOSED) {
            stopProbing(ctx, loop);
            return;
        }
        if (!loop.probing.compareAndSet(false, true)) return; // the last probe has not answered yet
        Future<?> ping;
        try {
            ping = redis.send(Request.cmd(Command.PING));
        } catch (RuntimeException e) {
            ping = Future.failedFuture(e);
        }
        bounded(ctx, ping).onComplete(ar -> {
            loop.probing.set(false);
            if (ar.failed()) return;
            CircuitBreaker.State before = loop.breaker.getState();
            if (before != CircuitBreaker.State.CLOSED) {
                loop.breaker.transitionToClosedState();
                log.warn("{}: Redis answers again: circuit {} → CLOSED ({})", name, before, loop.breaker.getName());
            }
            stopProbing(ctx, loop);
            redelivery.round();
        });
    }

    private void stopProbing(Context ctx, Loop loop) {
        long id = loop.probeTimer.getAndSet(NO_PROBE);
        if (id >= 0) ctx.owner().cancelTimer(id);
    }

    private <T> Future<T> failed(CircuitBreaker breaker, Throwable cause, Supplier<Future<T>> fallback) {
        failures.increment();
        long now = System.currentTimeMillis();
        long last = lastLog.get();
        if (now - last > 10_000 && lastLog.compareAndSet(last, now)) {
            log.warn("{}: shared backend unavailable ({}), using the configured fallback (circuit {})", name, describe(cause), breaker.getState());
        }
        return fallback.get();
    }

    /** The failure, for the log: Redis error replies and connection errors carry no request data. */
    private static String describe(Throwable cause) {
        if (cause == null) return "circuit open";
        String m = cause.getMessage();
        if (m == null) return cause.getClass().getSimpleName();
        return cause.getClass().getSimpleName() + ": " + (m.length() > 200 ? m.substring(0, 200) + "…" : m);
    }
}
