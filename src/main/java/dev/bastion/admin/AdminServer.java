package dev.bastion.admin;

import dev.bastion.config.AdminListenerConfig;
import dev.bastion.edge.RequestIds;
import dev.bastion.edge.SecurityHeaders;
import dev.bastion.observe.GatewayMetrics;
import dev.bastion.edge.ErrorBody;
import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The admin listener (E6): {@code /health/live}, {@code /health/ready} and Prometheus {@code /metrics}.
 * It binds to loopback unless the config explicitly exposes it, and the public listener never serves
 * these paths, so metrics are not public by accident.
 */
public final class AdminServer {
    private final Vertx vertx;
    private final AdminListenerConfig config;
    private final Store store;
    private final GatewayMetrics metrics;
    private HttpServer server;

    public AdminServer(Vertx vertx, AdminListenerConfig config, Store store, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.metrics = metrics;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public Future<Void> start() {
        if (!config.enabled()) return Future.succeededFuture();
        server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                        .setMaxHeaderSize(8192).setIdleTimeout(60).setHttp2ClearTextEnabled(false))
                .requestHandler(this::handle);
        return server.listen().mapEmpty();
    }

    public int port() {
        return server == null ? -1 : server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        String requestId = RequestIds.acceptOrGenerate(req.getHeader("X-Request-Id"));
        var h = req.response().headers();
        SecurityHeaders.apply(h, false);
        h.set("X-Request-Id", requestId);
        h.set("Cache-Control", "no-store");
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            h.set("Allow", "GET, HEAD");
            error(req, 405, "method_not_allowed", "The admin listener only serves GET.", requestId);
            return;
        }
        switch (req.path()) {
            case "/health/live" -> json(req, 200, "{\"status\":\"up\"}");
            case "/health/ready" -> vertx.executeBlocking(store::ping).onComplete(ar -> {
                boolean storeUp = ar.succeeded() && Boolean.TRUE.equals(ar.result());
                json(req, storeUp ? 200 : 503, "{\"status\":\"" + (storeUp ? "ready" : "not_ready")
                        + "\",\"checks\":{\"config\":\"loaded\",\"store\":\"" + (storeUp ? "up" : "down") + "\"}}");
            });
            case "/metrics" -> {
                h.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                req.response().end(metrics.scrape());
            }
            default -> error(req, 404, "route_not_found", "The admin listener serves /health/live, /health/ready and /metrics.", requestId);
        }
    }

    private static void json(HttpServerRequest req, int status, String body) {
        req.response().putHeader("Content-Type", "application/json").setStatusCode(status).end(body);
    }

    private static void error(HttpServerRequest req, int status, String code, String message, String requestId) {
        json(req, status, ErrorBody.json(code, message, requestId));
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
