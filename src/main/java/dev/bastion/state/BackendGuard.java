package dev.bastion.state;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * backend after repeated failures, so requests do not each wait for the timeout, and probes it again
 * after a second — when the backend is back, the shared path resumes by itself.
 * <p>
 * On the hot path this costs no cross-thread work: each event loop has its own breaker (as it has its
 * own Redis connection, see {@link RedisPipe}) so recording an outcome never contends on a lock, and
 * the timeout is a timer on the calling event loop. (Measured: a breaker shared by all loops, and
 * {@code Future.timeout}, which schedules on Netty's global executor thread, cost more CPU per request
 * than the Redis call itself.)
 */
public final class BackendGuard {
    private static final Logger log = LoggerFactory.getLogger(BackendGuard.class);
    private static final CircuitBreakerConfig BREAKER = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(1))
            .permittedNumberOfCallsInHalfOpenState(3)
            .build();

    private final String name;
    private final long timeoutMs;
    private final Map<Thread, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final CircuitBreaker shared;
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong();

    public BackendGuard(String name, Duration timeout) {
        this.name = name;
        this.timeoutMs = timeout.toMillis();
        this.shared = CircuitBreaker.of(name, BREAKER);
    }

    public long failures() {
        return failures.sum();
    }

    /** Counts this guard's fallback answers as {@code bastion_shared_state_failures_total{kind=NAME}}. */
    public void registerMetric(MeterRegistry registry) {
        FunctionCounter.builder("bastion.shared_state.failures", this, BackendGuard::failures)
                .description("Decisions answered by the failure mode because Redis was unreachable").tag("kind", name).register(registry);
    }

    private CircuitBreaker breaker(Context ctx) {
        if (ctx == null || !ctx.isEventLoopContext()) return shared;
        return breakers.computeIfAbsent(Thread.currentThread(), t -> CircuitBreaker.of(name + "@" + t.getName(), BREAKER));
    }

    public <T> Future<T> call(Supplier<Future<T>> primary, Supplier<Future<T>> fallback) {
        return call(primary, fallback, null);
    }

    /**
     * @param undoLate when the primary answered after its timeout (the fallback already answered the
     *                 caller), undoes what that late answer took — a reservation, a lease, a claim — so
     *                 nothing stays held in Redis for a request that no longer counts on it
     */
    public <T> Future<T> call(Supplier<Future<T>> primary, Supplier<Future<T>> fallback, Consumer<T> undoLate) {
        Context ctx = Vertx.currentContext();
        CircuitBreaker breaker = breaker(ctx);
        if (!breaker.tryAcquirePermission()) return failed(breaker, null, fallback);
        long start = System.nanoTime();
        Future<T> f;
        try {
            f = primary.get();
        } catch (RuntimeException e) {
            record(breaker, start, e);
            return failed(breaker, e, fallback);
        }
        Future<T> answer = f;
        return bounded(ctx, f).transform(ar -> {
            if (ar.succeeded()) {
                record(breaker, start, null);
                return Future.succeededFuture(ar.result());
            }
            record(breaker, start, ar.cause());
            if (undoLate != null && !answer.isComplete()) answer.onSuccess(late -> {
                if (late != null) undoLate.accept(late);
            });
            return failed(breaker, ar.cause(), fallback);
        });
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

    private void record(CircuitBreaker breaker, long start, Throwable error) {
        CircuitBreaker.State before = breaker.getState();
        if (error == null) breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        else breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
        CircuitBreaker.State after = breaker.getState();
        if (after != before) log.warn("{}: Redis circuit {} → {} ({})", name, before, after, breaker.getName());
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
