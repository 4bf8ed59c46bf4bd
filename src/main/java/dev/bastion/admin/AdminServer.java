package dev.bastion.admin;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Verdict;
import dev.bastion.config.AdminListenerConfig;
import dev.bastion.chain.ErrorBody;
import dev.bastion.edge.RequestIds;
import dev.bastion.edge.SecurityHeaders;
import dev.bastion.observe.GatewayMetrics;
import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The admin listener (E6): {@code /health/live}, {@code /health/ready} and Prometheus {@code /metrics}, and
 * the authenticated tenant admin API under {@code /admin/v1/} ({@link AdminApi}). It binds to loopback
 * unless the config explicitly exposes it, and the public listener never serves these paths.
 */
public final class AdminServer {
    private static final int MAX_BODY = 64 * 1024;

    private final Vertx vertx;
    private final AdminListenerConfig config;
    private final Store store;
    private final GatewayMetrics metrics;
    private final AdminApi api;
    private HttpServer server;

    public AdminServer(Vertx vertx, AdminListenerConfig config, Store store, GatewayMetrics metrics, AdminApi api) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.api = api;
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
        String path = req.path();
        if (path.startsWith("/admin/v1/")) {
            adminApi(req, requestId);
            return;
        }
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            h.set("Allow", "GET, HEAD");
            error(req, 405, "method_not_allowed", "Health and metrics only answer GET.", requestId);
            return;
        }
        switch (path) {
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
            default -> error(req, 404, "route_not_found", "The admin listener serves /health/live, /health/ready, /metrics and /admin/v1/.", requestId);
        }
    }

    private void adminApi(HttpServerRequest req, String requestId) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.POST) {
            error(req, 405, "method_not_allowed", "The admin API answers GET and POST.", requestId);
            return;
        }
        String length = req.getHeader("Content-Length");
        if (length != null && (length.length() > 9 || Long.parseLong(length.trim().isEmpty() ? "0" : length.trim()) > MAX_BODY)) {
            error(req, 413, "body_too_large", "The request body is too large.", requestId);
            req.connection().close();
            return;
        }
        req.body().onComplete(ar -> {
            if (ar.failed() || ar.result().length() > MAX_BODY) {
                error(req, 413, "body_too_large", "The request body is too large.", requestId);
                return;
            }
            JsonObject body = null;
            if (ar.result().length() > 0) {
                try {
                    body = ar.result().toJsonObject();
                } catch (DecodeException | ClassCastException e) {
                    error(req, 400, "request_invalid", "The body must be a JSON object.", requestId);
                    return;
                }
            }
            Exchange ex = Exchange.builder().requestId(requestId)
                    .clientIp(req.remoteAddress() == null ? "0.0.0.0" : req.remoteAddress().hostAddress())
                    .method(req.method()).path(req.path()).headers(req.headers()).build();
            api.handle(ex, req.method().name(), req.path(), body).onComplete(res -> {
                if (res.failed()) {
                    error(req, 503, "control_fault", "The request could not be decided.", requestId);
                } else if (res.result() instanceof Verdict.Deny d) {
                    d.headers().forEach(req.response()::putHeader);
                    error(req, d.status(), d.reason(), d.message(), requestId);
                } else {
                    AdminApi.Answer a = (AdminApi.Answer) res.result();
                    json(req, a.status(), a.body().encode());
                }
            });
        });
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
