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

    private Gateway(Vertx vertx, Services services, List<String> deployments, AdminServer admin, int publicPort) {
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
            DeploymentOptions options = new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP);
            // The first instance binds (possibly port 0); the others join the port it actually got.
            GatewayVerticle first = new GatewayVerticle(config, chains, systemRoutes, upstreamKeys, hmacSecrets, signer, shared,
                    config.listeners().publicListener().port());
            return vertx.deployVerticle(first, options).compose(id -> {
                deployments.add(id);
                int port = first.actualPort();
                Future<Void> rest = Future.succeededFuture();
                for (int i = 1; i < n; i++) {
                    rest = rest.compose(v -> vertx.deployVerticle(new GatewayVerticle(config, chains, systemRoutes, upstreamKeys, hmacSecrets,
                                    signer, shared, port), options)
                            .map(d -> {
                                deployments.add(d);
                                return null;
                            }));
                }
                return rest.map(port);
            }).compose(port -> {
                AdminServer admin = new AdminServer(vertx, config.listeners().admin(), store, metrics, services.adminApi());
                return admin.start().map(v -> new Gateway(vertx, services, deployments, admin, port));
            }).onSuccess(g -> log.info("bastion listening on {}:{} ({} event loops, {} routes){}",
                            config.listeners().publicListener().host(), g.publicPort, n, config.routes().size(),
                            g.admin.enabled() ? ", admin on " + config.listeners().admin().host() + ":" + g.admin.port() : ""))
                    .onFailure(t -> {
                        deployments.forEach(vertx::undeploy);
                        services.close();
                    });
        });
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
