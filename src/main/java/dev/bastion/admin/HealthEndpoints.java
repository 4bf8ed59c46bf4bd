package dev.bastion.admin;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.observe.GatewayMetrics;
import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * The admin listener's health and metrics endpoints (E6): liveness, readiness (the store answers a ping,
 * on a worker) and the Prometheus scrape. Served only on the admin listener, which binds to loopback
 * unless the config explicitly exposes it.
 */
public final class HealthEndpoints {
    private static final Map<String, String> JSON = LocalEndpoint.JSON_NO_STORE;

    private final Vertx vertx;
    private final Store store;
    private final GatewayMetrics metrics;

    public HealthEndpoints(Vertx vertx, Store store, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.metrics = metrics;
    }

    /** {@code GET /health/live}: the process answers. */
    public LocalEndpoint live() {
        return ex -> Future.succeededFuture(LocalEndpoint.answer(200, JSON, "{\"status\":\"up\"}"));
    }

    /**
     * {@code GET /health/ready}: 200 when the store answers, 503 when it does not — and 503 as soon as a graceful stop
     * began ({@code draining}), before the listener stops accepting, so a load balancer moves traffic away first.
     */
    public LocalEndpoint ready(java.util.function.BooleanSupplier draining) {
        return ex -> {
            if (draining.getAsBoolean()) {
                return Future.<Verdict>succeededFuture(LocalEndpoint.answer(503, JSON, "{\"status\":\"draining\",\"checks\":{\"config\":\"loaded\"}}"));
            }
            return vertx.executeBlocking(store::ping).transform(ar -> {
                boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
                return Future.<Verdict>succeededFuture(LocalEndpoint.answer(up ? 200 : 503, JSON, "{\"status\":\"" + (up ? "ready" : "not_ready")
                        + "\",\"checks\":{\"config\":\"loaded\",\"store\":\"" + (up ? "up" : "down") + "\"}}"));
            });
        };
    }

    /** {@code GET /metrics}: the Prometheus text format. */
    public LocalEndpoint metrics() {
        return ex -> Future.succeededFuture(LocalEndpoint.answer(200,
                Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8", "Cache-Control", "no-store"), metrics.scrape()));
    }
}
