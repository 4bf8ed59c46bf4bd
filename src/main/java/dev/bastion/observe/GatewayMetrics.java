package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics (O3, E6), served only on the admin listener: requests by route, status and error
 * code, their duration, the upstream's time to headers, and each chain step's time. Step timers are made
 * once at start; request meters are cached per tag set, so the hot path does one map lookup, not a
 * registry search. Tags are bounded: route ids and step names come from config and code, error codes are
 * a fixed vocabulary — never a path, IP or key.
 */
public final class GatewayMetrics implements ExchangeListener, AutoCloseable {
    /** Often enough to see a loop fill up between two scrapes; one timer task per loop per interval costs nothing measurable. */
    static final java.time.Duration LAG_INTERVAL = java.time.Duration.ofMillis(100);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EventLoopLag eventLoopLag = new EventLoopLag(registry, LAG_INTERVAL);
    private JvmGcMetrics gc;
    private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> upstreamLatency = new ConcurrentHashMap<>();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void finished(Exchange ex, long endNanos) {
        request(ex.routeId(), ex.status(), ex.errorCode(), endNanos - ex.startNanos(), ex.upstreamNanos());
    }

    /** The timer of one chain step on one route ({@code route} "none" for the steps before routing). */
    public StepTime stepTime(String route, String step) {
        StepTime t = new StepTime();
        io.micrometer.core.instrument.FunctionTimer.builder("bastion.step.duration", t, StepTime::count, StepTime::totalNanos, TimeUnit.NANOSECONDS)
                .description("Time a chain step took, by route and step")
                .tag("route", route == null ? "none" : route).tag("step", step).register(registry);
        return t;
    }

    /**
     * One step's count and total time: two adds per request on the event loop, where a {@link Timer} also kept a
     * decaying maximum (a clock read and a compare-and-set per record) — ~15 steps a request made that measurable.
     * The longest times are in the access line's {@code steps_us}, request by request.
     */
    public static final class StepTime {
        private final java.util.concurrent.atomic.LongAdder count = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();

        public void record(long stepNanos) {
            count.increment();
            nanos.add(stepNanos);
        }

        long count() {
            return count.sum();
        }

        double totalNanos() {
            return nanos.sum();
        }
    }

    public void request(String route, int status, String errorCode, long latencyNanos, long upstreamNanos) {
        String r = route == null ? "none" : route;
        String code = errorCode == null ? "none" : errorCode;
        requests.computeIfAbsent(r + '\u0000' + status + '\u0000' + code, k -> Counter.builder("bastion.requests")
                .description("Requests by route, status and error code")
                .tag("route", r).tag("status", Integer.toString(status)).tag("code", code)
                .register(registry)).increment();
        latency.computeIfAbsent(r, k -> Timer.builder("bastion.request.duration")
                .description("Time from request to end of response, by route")
                .tag("route", r).register(registry)).record(latencyNanos, TimeUnit.NANOSECONDS);
        if (upstreamNanos >= 0) {
            upstreamLatency.computeIfAbsent(r, k -> Timer.builder("bastion.upstream.duration")
                    .description("Time until the upstream's response headers, by route")
                    .tag("route", r).register(registry)).record(upstreamNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Exposes the access-log writer's drop count. */
    public void accessLogDrops(java.util.function.LongSupplier dropped) {
        io.micrometer.core.instrument.FunctionCounter.builder("bastion.access_log.dropped", dropped, d -> d.getAsLong())
                .description("Access-log lines dropped because the output could not keep up").register(registry);
    }

    /**
     * The process's health over time, for operators and the soak (bench/soak.sh): heap and its pools, the live
     * heap after the last major collection ({@code jvm_gc_live_data_size_bytes}), GC pauses, threads, open file
     * descriptors, CPU, uptime. Once per gateway; {@link #close} removes the GC listeners it installs.
     */
    public synchronized void bindJvm() {
        if (gc != null) return;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    /** Measures event loops' lag into this registry ({@link EventLoopLag}). */
    public EventLoopLag eventLoopLag() {
        return eventLoopLag;
    }

    @Override
    public synchronized void close() {
        if (gc != null) gc.close();
    }

    public String scrape() {
        return registry.scrape();
    }
}
