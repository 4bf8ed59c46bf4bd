package dev.bastion.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The egress proxy listener on one event loop ({@code listeners.egress}). It keeps its open tunnels: each is
 * closed after {@code egress.proxy.max_duration}, and all of them when the listener stops (shutdown), so no
 * tunnel outlives the gateway.
 */
final class EgressProxyVerticle extends VerticleBase {
    private final EgressProxy proxy;
    private final HttpServerOptions options;
    private final Set<NetSocket[]> tunnels = new LinkedHashSet<>(); // touched on this verticle's event loop only
    private HttpServer server;

    EgressProxyVerticle(EgressProxy proxy, HttpServerOptions options) {
        this.proxy = proxy;
        this.options = options;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options).requestHandler(req -> proxy.handle(req, this::opened));
        return server.listen();
    }

    /** A tunnel opened: kept until it closes, and closed after max_duration. Returns what to run when it closed. */
    private Runnable opened(NetSocket client, NetSocket upstream) {
        NetSocket[] pair = {client, upstream};
        tunnels.add(pair);
        long timer = vertx.setTimer(proxy.config().maxDuration().toMillis(), t -> close(pair));
        return () -> {
            vertx.cancelTimer(timer);
            tunnels.remove(pair);
        };
    }

    private static void close(NetSocket[] pair) {
        pair[0].close();
        pair[1].close();
    }

    int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        List<NetSocket[]> open = new ArrayList<>(tunnels);
        tunnels.clear();
        open.forEach(EgressProxyVerticle::close);
        return server == null ? Future.succeededFuture() : server.close();
    }
}
