package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.ExchangeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
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
public final class GatewayMetrics implements ExchangeListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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
    public Timer stepTimer(String route, String step) {
        return Timer.builder("bastion.step.duration").description("Time a chain step took, by route and step")
                .tag("route", route == null ? "none" : route).tag("step", step).register(registry);
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

    public String scrape() {
        return registry.scrape();
    }
}
