package dev.bastion.state;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to a shared backend (Redis) with an explicit failure path: each call waits at most
 * {@code timeout}; a failure or timeout is counted, logged (at most every 10 s) and answered by the
 * fallback. A circuit breaker (Resilience4j) stops calling an unreachable backend after repeated
 * failures, so requests do not each wait for the timeout, and probes it again after a second — when
 * the backend is back, the shared path resumes by itself.
 */
public final class BackendGuard {
    private static final Logger log = LoggerFactory.getLogger(BackendGuard.class);

    private final String name;
    private final long timeoutMs;
    private final CircuitBreaker breaker;
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong();

    public BackendGuard(String name, Duration timeout) {
        this.name = name;
        this.timeoutMs = timeout.toMillis();
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(1))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
    }

    public long failures() {
        return failures.sum();
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
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
        if (!breaker.tryAcquirePermission()) return failed(null, fallback);
        long start = System.nanoTime();
        Future<T> f;
        try {
            f = primary.get();
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            return failed(e, fallback);
        }
        Future<T> answer = f;
        return f.timeout(timeoutMs, TimeUnit.MILLISECONDS).transform(ar -> {
            long took = System.nanoTime() - start;
            if (ar.succeeded()) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                return Future.succeededFuture(ar.result());
            }
            breaker.onError(took, TimeUnit.NANOSECONDS, ar.cause());
            if (undoLate != null && !answer.isComplete()) answer.onSuccess(late -> {
                if (late != null) undoLate.accept(late);
            });
            return failed(ar.cause(), fallback);
        });
    }

    private <T> Future<T> failed(Throwable cause, Supplier<Future<T>> fallback) {
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
