package dev.bastion.server;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.EdgeConfig;
import dev.bastion.config.PublicListenerConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.secrets.Secret;
import dev.bastion.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public listener on one event loop. Several instances share the port; each has its own upstream
 * connection pools (so a request and its upstream call stay on one thread) and its own connection
 * deadlines, while controls (and their rate-limit buckets and key cache) are shared by all.
 */
final class GatewayVerticle extends VerticleBase {
    private final BastionConfig config;
    private final Map<String, ChainAssembler.Assembled> chains;
    private final List<SystemRoutes.SystemRoute> systemRoutes;
    private final Map<String, Secret> upstreamKeys;
    private final Map<String, Secret> hmacSecrets;
    private final UpstreamClient.IdentitySigner identitySigner;
    private final GatewayContext shared;
    private final int port;
    private final List<UpstreamClient> clients = new ArrayList<>();
    private HttpServer server;
    private ConnectionDeadlines deadlines;

    GatewayVerticle(BastionConfig config, Map<String, ChainAssembler.Assembled> chains, List<SystemRoutes.SystemRoute> systemRoutes,
                    Map<String, Secret> upstreamKeys, Map<String, Secret> hmacSecrets, UpstreamClient.IdentitySigner identitySigner,
                    GatewayContext shared, int port) {
        this.config = config;
        this.chains = chains;
        this.systemRoutes = systemRoutes;
        this.upstreamKeys = upstreamKeys;
        this.hmacSecrets = hmacSecrets;
        this.identitySigner = identitySigner;
        this.shared = shared;
        this.port = port;
    }

    /** The event loop this instance serves on (its start runs there). */
    String eventLoop() {
        return eventLoop;
    }

    private volatile String eventLoop;
    private volatile java.util.Set<String> takenLoops = java.util.Set.of();

    /** Loops other instances serve on: started on one of them, this instance refuses to start, before it listens. */
    GatewayVerticle refusingLoops(java.util.Set<String> taken) {
        this.takenLoops = java.util.Set.copyOf(taken);
        return this;
    }

    /** The start refused because another instance serves on this loop. */
    static final class LoopTaken extends RuntimeException {
        LoopTaken(String loop) {
            super("another instance serves on " + loop, null, false, false);
        }
    }

    @Override
    public Future<?> start() {
        eventLoop = Thread.currentThread().getName();
        if (takenLoops.contains(eventLoop)) return Future.failedFuture(new LoopTaken(eventLoop));
        Map<String, UpstreamClient> upstreams = new HashMap<>();
        for (Map.Entry<String, UpstreamConfig> e : config.upstreams().entrySet()) {
            UpstreamClient c = new UpstreamClient(vertx, e.getKey(), e.getValue(), upstreamKeys.get(e.getKey()), identitySigner,
                    hmacSecrets.get(e.getKey()));
            upstreams.put(e.getKey(), c);
            clients.add(c);
        }
        List<Route> routes = new ArrayList<>();
        for (RouteConfig rc : config.routes()) {
            ChainAssembler.Assembled chain = chains.get(rc.id());
            long maxBody = rc.maxBodyBytes() != null ? rc.maxBodyBytes().bytes() : config.edge().maxBodyBytes().bytes();
            routes.add(new Route(rc, chain.beforeBody(), chain.afterBody(), upstreams.get(rc.upstream()), null,
                    rc.cors() == null ? null : new CorsPolicy(rc.cors(), rc.match().methods()),
                    Set.copyOf(rc.match().methods()), maxBody));
        }
        for (SystemRoutes.SystemRoute sr : systemRoutes) {
            ChainAssembler.Assembled chain = chains.get(sr.config().id());
            routes.add(new Route(sr.config(), chain.beforeBody(), chain.afterBody(), null, sr.endpoint(), null,
                    Set.copyOf(sr.config().match().methods()), Math.min(64 * 1024, config.edge().maxBodyBytes().bytes())));
        }
        RouteTable table = new RouteTable(routes);
        EdgeConfig edge = config.edge();
        deadlines = new ConnectionDeadlines(vertx, edge.headerTimeout().toMillis(), edge.idleTimeout().toMillis());
        PublicListenerConfig listener = config.listeners().publicListener();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(listener.host())
                .setPort(port)
                .setMaxHeaderSize(edge.maxHeaderBytes().asInt())
                .setMaxInitialLineLength(edge.maxUriBytes().asInt())
                .setHandle100ContinueAutomatically(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false) // HTTP/1.1 only for now: no h2c upgrade from plain-text clients
                .setIdleTimeout(0); // connection deadlines and per-request timeouts handle idleness
        if (listener.tls() != null) TlsOptions.apply(options, listener.tls());
        server = vertx.createHttpServer(options)
                .connectionHandler(deadlines::opened)
                .invalidRequestHandler(new InvalidRequestHandler(shared))
                .requestHandler(req -> {
                    deadlines.requestStarted(req.connection());
                    req.pause();
                    try {
                        new ExchangeFlow(shared, table, deadlines, req).start();
                    } catch (RuntimeException e) {
                        InternalErrors.respond(req, shared.tls(), e);
                    }
                });
        return server.listen();
    }

    int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        List<Future<?>> closing = new ArrayList<>();
        if (deadlines != null) deadlines.stop();
        if (server != null) closing.add(server.close());
        clients.forEach(c -> closing.add(c.close()));
        return Future.join(closing);
    }
}
