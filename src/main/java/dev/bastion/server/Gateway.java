package dev.bastion.server;

import dev.bastion.admin.AdminServer;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.RouteConfig;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.observe.AccessLog;
import dev.bastion.observe.AccessLogWriter;
import dev.bastion.observe.GatewayMetrics;
import dev.bastion.secrets.Secret;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Store;
import dev.bastion.upstream.UpstreamClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the public listener on every event loop, the admin listener, and what they share.
 * Everything that can be wrong with the config (an unresolvable or placeholder secret, a bad
 * certificate, a port in use) fails {@link #start} before any request is served.
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Vertx vertx;
    private final Services services;
    private final List<String> deployments;
    private final AdminServer admin;
    private final int publicPort;
    private final java.util.Set<String> eventLoops;

    private Gateway(Vertx vertx, Services services, List<String> deployments, AdminServer admin, int publicPort, java.util.Set<String> eventLoops) {
        this.eventLoops = eventLoops;
        this.vertx = vertx;
        this.services = services;
        this.deployments = deployments;
        this.admin = admin;
        this.publicPort = publicPort;
    }

    /**
     * @param instances event loops serving the public listener; 0 means one per available processor
     */
    public static Future<Gateway> start(Vertx vertx, BastionConfig config, Store store, SecretResolver secrets, int instances) {
        return start(vertx, config, store, secrets, instances, null);
    }

    /**
     * @param accessLogSink where access-log lines go; null means stdout (through one shared {@link AccessLogWriter})
     */
    public static Future<Gateway> start(Vertx vertx, BastionConfig config, Store store, SecretResolver secrets, int instances,
                                        Consumer<String> accessLogSink) {
        Map<String, Secret> upstreamKeys = new HashMap<>();
        Map<String, Secret> hmacSecrets = new HashMap<>();
        try {
            for (Map.Entry<String, UpstreamConfig> e : config.upstreams().entrySet()) {
                if (e.getValue().apiKey() != null) {
                    upstreamKeys.put(e.getKey(), secrets.resolve(e.getValue().apiKey(), "upstreams." + e.getKey() + ".api_key"));
                }
                if (e.getValue().hmacSecret() != null) {
                    hmacSecrets.put(e.getKey(), secrets.resolve(e.getValue().hmacSecret(), "upstreams." + e.getKey() + ".hmac_secret"));
                }
            }
        } catch (SecretResolver.SecretException e) {
            return Future.failedFuture(new ConfigException(e.getMessage()));
        }
        int n = instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
        return Services.start(vertx, config, store, secrets).compose(services -> {
            ChainAssembler assembler = new ChainAssembler(services);
            Map<String, ChainAssembler.Assembled> chains = new HashMap<>();
            for (RouteConfig r : config.routes()) chains.put(r.id(), assembler.assemble(r));
            List<SystemRoutes.SystemRoute> systemRoutes = SystemRoutes.of(config, services);
            for (SystemRoutes.SystemRoute sr : systemRoutes) chains.put(sr.config().id(), assembler.assemble(sr.config()));

            GatewayMetrics metrics = services.metrics;
            Consumer<String> sink = accessLogSink;
            if (sink == null) {
                AccessLogWriter stdout = stdoutWriter();
                metrics.accessLogDrops(stdout::dropped);
                sink = stdout;
            }
            GatewayContext shared = new GatewayContext(vertx, config.edge(),
                    new ClientIpResolver(config.listeners().publicListener().trustedProxyRanges()),
                    new AccessLog(config.accessLog().enabled(), sink), metrics, config.listeners().publicListener().tls() != null, services.addressRules);
            UpstreamClient.IdentitySigner signer = services.issuer::identityToken;

            List<String> deployments = new ArrayList<>();
            List<GatewayVerticle> instancesUp = new ArrayList<>();
            DeploymentOptions options = new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP);
            java.util.function.IntFunction<GatewayVerticle> instance = port ->
                    new GatewayVerticle(config, chains, systemRoutes, upstreamKeys, hmacSecrets, signer, shared, port);
            // Port 0 becomes -1: Vert.x's random port, shared by every server listening on that same -1.
            int listenPort = config.listeners().publicListener().port() == 0 ? -1 : config.listeners().publicListener().port();
            return deployOnDistinctLoops(vertx, instance, options, listenPort, n, 4 * n, instancesUp, deployments)
                    .map(v -> instancesUp.getFirst().actualPort()).compose(port -> {
                AdminServer admin = new AdminServer(vertx, config.listeners().admin(), store, metrics, services.adminApi());
                java.util.Set<String> loops = new java.util.TreeSet<>();
                for (GatewayVerticle v : instancesUp) loops.add(v.eventLoop());
                return admin.start().map(v -> new Gateway(vertx, services, deployments, admin, port, java.util.Set.copyOf(loops)));
            }).onSuccess(g -> log.info("bastion listening on {}:{} ({} instances on {} event loops, {} routes){}",
                            config.listeners().publicListener().host(), g.publicPort, n, g.eventLoops.size(), config.routes().size(),
                            g.admin.enabled() ? ", admin on " + config.listeners().admin().host() + ":" + g.admin.port() : ""))
                    .onFailure(t -> {
                        deployments.forEach(vertx::undeploy);
                        services.close();
                    });
        });
    }

    /**
     * Deploys the public listener's instances one by one, each on an event loop none of the others serves
     * on: an instance started on a taken loop refuses to start (before it listens) and is deployed again,
     * and Vert.x hands out loops in turn, so the next try gets another. Vert.x offers no way to ask for a
     * loop, and which one an instance gets depends on every context created before it — both instances
     * of a two-core machine had landed on one loop, so one core served every request (found measuring the
     * WAF). After {@code attempts} refusals (more instances than loops) an instance shares a loop.
     */
    private static Future<Void> deployOnDistinctLoops(Vertx vertx, java.util.function.IntFunction<GatewayVerticle> instance, DeploymentOptions options,
                                                      int port, int wanted, int attempts, List<GatewayVerticle> up, List<String> deployments) {
        if (up.size() == wanted) return Future.succeededFuture();
        GatewayVerticle v = instance.apply(port);
        if (attempts > 0) v.refusingLoops(up.stream().map(GatewayVerticle::eventLoop).collect(java.util.stream.Collectors.toSet()));
        return vertx.deployVerticle(v, options).compose(id -> {
            up.add(v);
            deployments.add(id);
            return deployOnDistinctLoops(vertx, instance, options, port, wanted, attempts, up, deployments);
        }, failure -> failure instanceof GatewayVerticle.LoopTaken
                ? deployOnDistinctLoops(vertx, instance, options, port, wanted, attempts - 1, up, deployments)
                : Future.failedFuture(failure));
    }

    private static AccessLogWriter stdoutWriter;

    /** One writer per process: stdout is one stream, however many gateways run. */
    private static synchronized AccessLogWriter stdoutWriter() {
        if (stdoutWriter == null) {
            AccessLogWriter w = AccessLogWriter.stdout();
            Runtime.getRuntime().addShutdownHook(new Thread(w::close, "bastion-access-log-flush"));
            stdoutWriter = w;
        }
        return stdoutWriter;
    }

    public int publicPort() {
        return publicPort;
    }

    /** The event loops the public listener's instances serve on: one each, so each has a core. */
    public java.util.Set<String> eventLoops() {
        return eventLoops;
    }

    /** The admin listener's port, or -1 when it is disabled. */
    public int adminPort() {
        return admin.enabled() ? admin.port() : -1;
    }

    public Future<Void> close() {
        List<Future<?>> closing = new ArrayList<>();
        deployments.forEach(id -> closing.add(vertx.undeploy(id)));
        closing.add(admin.close());
        return Future.join(closing).<Void>mapEmpty().onComplete(ar -> services.close());
    }
}
