package dev.bastion.server;

import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.chain.ErrorFormat;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.config.AdminListenerConfig;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.EdgeConfig;
import dev.bastion.config.PublicListenerConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.edge.FramingControl;
import dev.bastion.edge.PathControl;
import dev.bastion.fetch.FetchEndpoint;
import dev.bastion.frontdoor.AnthropicErrors;
import dev.bastion.ipfilter.AddressFilterControl;
import dev.bastion.mcp.McpErrors;
import dev.bastion.mcp.McpUpstream;
import dev.bastion.observe.AccessLog;
import dev.bastion.observe.AccessLogWriter;
import dev.bastion.posture.Finding;
import dev.bastion.posture.Posture;
import dev.bastion.posture.PostureReport;
import dev.bastion.posture.Severity;
import dev.bastion.secrets.RotatingSecret;
import dev.bastion.secrets.SecretWatcher;
import dev.bastion.secrets.LogRedactor;
import dev.bastion.config.SecretPlaces;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.secrets.OrgSecrets;
import dev.bastion.config.SecretRef;
import dev.bastion.store.Store;
import dev.bastion.config.AwsCredentialsConfig;
import dev.bastion.llm.provider.BedrockChatProvider;
import dev.bastion.upstream.HttpUpstream;
import dev.bastion.upstream.auth.DeploymentAuth;
import dev.bastion.upstream.auth.GoogleTokenSource;
import dev.bastion.upstream.auth.SigV4;
import dev.bastion.upstream.auth.SigV4Auth;
import dev.bastion.models.CatalogueUpstream;
import dev.bastion.models.ModelCatalogue;
import dev.bastion.models.ModelListEndpoint;
import dev.bastion.upstream.Upstream;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the public listener on every event loop, the admin listener, and what they share.
 * Both listeners run every request through the same {@link ChainRunner}; they differ only in their edge
 * controls and routes. Everything that can be wrong with the config (an unresolvable or placeholder
 * secret, a bad certificate, a port in use) fails {@link #start} before any request is served.
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /**
     * Caffeine reports a failed asynchronous load (a key, tier or user lookup the store could not answer) at WARNING
     * through java.util.logging: plain text beside the JSON diagnostics, with the whole stack and every message — a JDBC
     * message names the store's host and port. The failure reaches the control, which logs it once per request without
     * messages ({@code chain.Faults}); Caffeine's copy is left out, its errors kept. Held here: JUL keeps loggers weakly.
     */
    private static final java.util.logging.Logger CAFFEINE = java.util.logging.Logger.getLogger("com.github.benmanes.caffeine");

    static {
        CAFFEINE.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Vertx vertx;
    private final Services services;
    private final List<String> deployments;
    private final List<ListenerVerticle> publicVerticles;
    private final int publicPort;
    private final int adminPort;
    private final int egressPort;
    private final Set<String> eventLoops;
    /** The public listener's routes, chains and upstreams, swapped whole by a reload ({@link ConfigReload}). */
    private final ConfigReload reloads;
    private final List<Route> adminRoutes;
    private final List<ListenerTls> tls;

    private Gateway(Vertx vertx, Services services, List<String> deployments, List<ListenerVerticle> publicVerticles, int publicPort, int adminPort,
                    int egressPort, Set<String> eventLoops, ConfigReload reloads, List<Route> adminRoutes, List<ListenerTls> tls) {
        this.adminRoutes = adminRoutes;
        this.tls = tls;
        this.egressPort = egressPort;
        this.publicVerticles = publicVerticles;
        this.reloads = reloads;
        this.vertx = vertx;
        this.services = services;
        this.deployments = deployments;
        this.publicPort = publicPort;
        this.adminPort = adminPort;
        this.eventLoops = eventLoops;
    }

    /**
     * @param instances event loops serving the public listener; 0 means one per available processor
     */
    public static Future<Gateway> start(Vertx vertx, BastionConfig config, Store store, SecretResolver secrets, int instances) {
        return start(vertx, config, store, secrets, instances, null);
    }

    /**
     * @param accessLogSink where access-log lines go; null means {@code access_log.dir}'s daily files when set, else stdout (through one shared {@link AccessLogWriter})
     */
    public static Future<Gateway> start(Vertx vertx, BastionConfig config, Store store, SecretResolver secrets, int instances,
                                        Consumer<String> accessLogSink) {
        int n = instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
        List<String> refused = postureRefusal(config);
        if (!refused.isEmpty()) return Future.failedFuture(new ConfigException(refused));
        return Services.start(vertx, config, store, secrets).compose(services ->
                // Off the event loop: a vault: or aws-sm: key is read from its store, and start waits for it.
                vertx.executeBlocking(() -> {
                    Keys keys = Keys.resolve(config, services.secrets);
                    services.startTracing(keys.exportHeaders(config));
                    return keys;
                }).transform(ar -> {
                    if (ar.succeeded()) return Future.succeededFuture(ar.result());
                    services.close();
                    Throwable t = ar.cause();
                    return Future.failedFuture(t instanceof SecretResolver.SecretException ? new ConfigException(t.getMessage()) : t);
                }).compose(keys -> started(vertx, config, services, keys, n, accessLogSink)));
    }

    /**
     * The posture check, as at start and on every reload: in {@code environment: prod} its failures (one line each),
     * which refuse the config; else nothing. Warnings are logged once, here; /health/status lists them while the gateway runs.
     */
    static List<String> postureRefusal(BastionConfig config) {
        PostureReport posture = Posture.check(config, java.time.Instant.now());
        if (config.prod() && posture.failed()) return posture.of(Severity.FAIL).stream().map(PostureReport::line).toList();
        for (Finding f : posture.findings()) {
            if (f.severity() != Severity.INFO) log.warn("{}", PostureReport.line(f));
        }
        return List.of();
    }

    /** Every upstream's credentials, resolved at start; {@code file:}, {@code vault:} and {@code aws-sm:} keys stay live in the watcher. */
    record Keys(Map<String, List<RotatingSecret>> upstreamKeys, Map<String, List<OrgSecrets.Handle>> orgKeys,
                        Map<String, RotatingSecret> hmacSecrets, Map<String, DeploymentAuth> deploymentAuths,
                        Map<String, RotatingSecret> serviceAccountKeys, Map<String, RotatingSecret> traceHeaders, SecretWatcher watcher,
                        Map<String, List<RotatingSecret>> clientCerts) {
        /** The trace exporter's headers, read at each export: a file: secret may have rotated. Literal values are the config's own. */
        java.util.function.Supplier<Map<String, String>> exportHeaders(BastionConfig config) {
            return () -> {
                Map<String, String> h = new java.util.LinkedHashMap<>(config.observability().tracing().headers());
                traceHeaders.forEach((name, secret) -> h.put(name, secret.current().reveal()));
                return h;
            };
        }

        static Keys resolve(BastionConfig config, SecretResolver secrets) {
            Map<String, List<RotatingSecret>> upstreamKeys = new HashMap<>();
            Map<String, List<OrgSecrets.Handle>> orgKeys = new HashMap<>();
            Map<String, RotatingSecret> hmacSecrets = new HashMap<>();
            // Provider keys and signing secrets are read per request, so a file: one rotates without a restart.
            SecretWatcher watcher = new SecretWatcher(secrets, config.secrets(), SecretPlaces.of(config), java.time.Clock.systemUTC());
            OrgSecrets perOrg = new OrgSecrets(secrets, config.secrets().orgKeys(), config.secrets().envOr(config.environment()));
            Map<String, DeploymentAuth> deploymentAuths = new HashMap<>();
            Map<String, RotatingSecret> serviceAccountKeys = new HashMap<>();
            Map<String, RotatingSecret> traceHeaders = new java.util.LinkedHashMap<>();
            Map<String, List<RotatingSecret>> clientCerts = new HashMap<>(); // an upstream's mTLS certificate and key (E7), re-read as they rotate
            config.observability().tracing().secretHeaders().forEach((name, ref) ->
                    traceHeaders.put(name, watcher.live(ref, "observability.tracing.headers." + name)));
            for (Map.Entry<String, UpstreamConfig> e : config.upstreams().entrySet()) {
                List<RotatingSecret> keys = new ArrayList<>();
                List<OrgSecrets.Handle> orgs = new ArrayList<>();
                for (int i = 0; i < e.getValue().apiKeys().size(); i++) {
                    SecretRef ref = e.getValue().apiKeys().get(i);
                    String place = SecretPlaces.upstreamKey(e.getKey(), e.getValue(), i);
                    // A key with {org} or {env} is read per request for the caller's org (bring your own key).
                    keys.add(ref.templated() ? null : watcher.live(ref, place));
                    orgs.add(ref.templated() ? perOrg.handle(ref, place) : null);
                }
                upstreamKeys.put(e.getKey(), keys);
                orgKeys.put(e.getKey(), orgs);
                if (e.getValue().hmacSecret() != null) {
                    hmacSecrets.put(e.getKey(), watcher.live(e.getValue().hmacSecret(), "upstreams." + e.getKey() + ".hmac_secret"));
                }
                AwsCredentialsConfig aws = e.getValue().awsCredentials();
                if (aws != null) {
                    String at = "upstreams." + e.getKey() + ".aws_credentials.";
                    // Read per request: file: ones rotate without a restart (the watcher swaps all of a round's changes together).
                    RotatingSecret id = watcher.live(aws.accessKeyId(), at + "access_key_id");
                    RotatingSecret key = watcher.live(aws.secretAccessKey(), at + "secret_access_key");
                    RotatingSecret session = aws.sessionToken() == null ? null : watcher.live(aws.sessionToken(), at + "session_token");
                    deploymentAuths.put(e.getKey(), SigV4Auth.forUpstream(() -> new SigV4.Credentials(id.current().reveal(), key.current().reveal(),
                            session == null ? null : session.current().reveal()), BedrockChatProvider.SIGNING_SERVICE));
                }
                if (e.getValue().tlsSettings() != null && e.getValue().tlsSettings().clientCert() != null) {
                    List<String> at = dev.bastion.upstream.UpstreamTls.places(e.getKey());
                    clientCerts.put(e.getKey(), List.of(watcher.live(e.getValue().tlsSettings().clientCert(), at.get(0)),
                            watcher.live(e.getValue().tlsSettings().clientKey(), at.get(1))));
                }
                if (e.getValue().googleServiceAccountKey() != null) {
                    serviceAccountKeys.put(e.getKey(), watcher.live(e.getValue().googleServiceAccountKey(), "upstreams." + e.getKey() + ".google_service_account_key"));
                }
            }
            return new Keys(upstreamKeys, orgKeys, hmacSecrets, deploymentAuths, serviceAccountKeys, traceHeaders, watcher, clientCerts);
        }
    }

    private static Future<Gateway> started(Vertx vertx, BastionConfig config, Services services, Keys resolved, int n, Consumer<String> accessLogSink) {
        List<String> deployments = new ArrayList<>();
        List<ListenerVerticle> publicVerticles = new ArrayList<>();
        List<ListenerTls> tls = new ArrayList<>();
        Future<Gateway> started;
        ConfigReload reloads = null;
        try {
            // Defence in depth: an access line that holds a secret value anyway is written redacted (K3).
            Consumer<String> accessLines = sink(accessLogSink, services);
            LogRedactor redactor = LogRedactor.global();
            io.micrometer.core.instrument.FunctionCounter.builder("bastion.log.redactions", redactor, LogRedactor::redactions)
                    .description("Secret values replaced in log lines (a bug logged one)").register(services.metrics.registry());
            List<ExchangeListener> recorders = new ArrayList<>(List.of(new AccessLog(config.accessLog().enabled(), line -> accessLines.accept(redactor.redact(line))),
                    services.metrics, new AuditRecorder(services.audit), services.stats));
            if (services.responses.listener() != null) recorders.add(services.responses.listener()); // O4: every refusal is counted
            resolved.watcher().start(services.metrics.registry(), services.audit);
            reloads = new ConfigReload(vertx, services, List.copyOf(recorders), config, resolved.watcher(),
                    publicListener(vertx, config, services, resolved, services.contracts, recorders));
            // the admin API's own requests are not the gateway's traffic: the console's history leaves them out
            Listener adminListener = AdminRoutes.listener(vertx, config, services, recorders.stream().filter(r -> r != services.stats).toList(),
                    reloads.endpoint(), reloads::running);
            EgressProxy egressProxy = egressProxy(config, services);
            ConfigReload live = reloads;
            ListenerTls publicTls = listenerTls(vertx, "listeners.public", config.listeners().publicListener().tls(), tls);
            ListenerTls adminTls = listenerTls(vertx, "listeners.admin", config.listeners().admin().tls(), tls);
            started = deployPublic(vertx, config, live::current, n, deployments, publicVerticles, publicTls, services.metrics.eventLoopLag()).compose(loops ->
                    deployAdmin(vertx, config, adminListener, deployments, adminTls).onSuccess(services.adminPort::set).compose(adminPort ->
                            deployEgress(vertx, config, egressProxy, n, deployments).map(egressPort ->
                                    new Gateway(vertx, services, deployments, List.copyOf(publicVerticles), loops.port, adminPort, egressPort, loops.names, live,
                                            adminListener.routes().routes(), List.copyOf(tls)))));
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        ConfigReload built = reloads;
        return started.onSuccess(g -> log.info("bastion listening on {}:{} ({} instances on {} event loops, {} transport, {} routes){}",
                        config.listeners().publicListener().host(), g.publicPort, n, g.eventLoops.size(),
                        vertx.isNativeTransportEnabled() ? "native" : "NIO", config.routes().size(),
                        (g.adminPort > 0 ? ", admin on " + config.listeners().admin().host() + ":" + g.adminPort : "")
                                + (g.egressPort > 0 ? ", egress proxy on " + config.listeners().egress().host() + ":" + g.egressPort : "")))
                .onFailure(t -> {
                    tls.forEach(ListenerTls::close);
                    deployments.forEach(vertx::undeploy);
                    if (built != null) built.close();
                    else resolved.watcher().close();
                    services.close();
                });
    }

    private static Consumer<String> sink(Consumer<String> given, Services services) {
        if (given != null) return given;
        if (services.accessLogFiles != null) {
            services.metrics.accessLogDrops(services.accessLogFiles::dropped);
            return services.accessLogFiles;
        }
        AccessLogWriter stdout = stdoutWriter();
        services.metrics.accessLogDrops(stdout::dropped);
        return stdout;
    }

    /**
     * The public listener as one config declares it: its upstreams (one per key of a pool; a model deployment rotates
     * through them, a route uses the first), model catalogue, routes and chains — what a reload rebuilds and swaps.
     * Breakers, limiter counters and caches are not here but in the {@link Services}, keyed by deployment and route id,
     * so they carry over a reload.
     */
    static Listener publicListener(Vertx vertx, BastionConfig config, Services services, Keys resolved, dev.bastion.contract.Contracts contracts,
                                   List<ExchangeListener> recorders) {
        Map<String, List<Upstream>> pools = new HashMap<>();
        Map<String, Upstream> upstreams = new HashMap<>();
        for (Map.Entry<String, UpstreamConfig> e : config.upstreams().entrySet()) {
            List<Upstream> pool = new ArrayList<>();
            List<RotatingSecret> keys = resolved.upstreamKeys().get(e.getKey());
            List<OrgSecrets.Handle> orgs = resolved.orgKeys().get(e.getKey());
            dev.bastion.upstream.UpstreamTls tls = upstreamTls(vertx, e.getKey(), e.getValue(), resolved);
            for (int i = 0; i < Math.max(1, keys.size()); i++) {
                pool.add(new HttpUpstream(services.connector, e.getKey(), e.getValue(), keys.isEmpty() ? null : keys.get(i),
                        orgs.isEmpty() ? null : orgs.get(i), services.issuer::identityToken, resolved.hmacSecrets().get(e.getKey()), tls));
            }
            pools.put(e.getKey(), List.copyOf(pool));
            upstreams.put(e.getKey(), pool.getFirst());
        }
        Map<String, DeploymentAuth> deploymentAuths = new HashMap<>(resolved.deploymentAuths());
        for (Map.Entry<String, RotatingSecret> k : resolved.serviceAccountKeys().entrySet()) {
            deploymentAuths.put(k.getKey(), GoogleTokenSource.forUpstream(vertx, services.connector, k.getValue(), "upstreams." + k.getKey()));
        }
        ModelCatalogue catalogue = new ModelCatalogue(config.models(), config.upstreams(), pools, services.deploymentHealth, deploymentAuths);
        ChainAssembler assembler = new ChainAssembler(services, catalogue, contracts);
        long edgeMax = config.edge().maxBodyBytes().bytes();
        List<Route> routes = new ArrayList<>();
        Upstream byModel = new CatalogueUpstream();
        for (RouteConfig rc : config.routes()) {
            long maxBody = rc.maxBodyBytes() != null ? rc.maxBodyBytes().bytes() : edgeMax;
            // A fetch route takes a URL, not a document: a small body is all it reads.
            if (rc.fetch() != null) maxBody = Math.min(maxBody, SystemRoutes.MAX_BODY);
            Chain chain = assembler.assemble(rc, maxBody);
            Route.Target target = rc.fetch() != null
                    ? new Route.Local(new FetchEndpoint(vertx, services.connector, rc.id(), rc.fetch(), services.audit, services.metrics.registry()))
                    : rc.mcp() != null ? new Route.Forward(new McpUpstream(rc.id(), rc.mcp(), upstreams, config.upstreams(), assembler.mcpPolicy(rc)), null, false)
                    : new Route.Forward(rc.routesByModel() ? byModel : upstreams.get(rc.upstream()), rc.stripPrefix(), rc.forwardUserToken());
            ErrorFormat errors = rc.llm() == RouteConfig.LlmApi.MESSAGES ? AnthropicErrors.FORMAT : rc.mcp() != null ? McpErrors.FORMAT : null;
            routes.add(new Route(rc.id(), rc.match(), Set.copyOf(rc.match().methods()), new Steps(chain, rc.id(), services.metrics), target,
                    rc.cors() == null ? null : new CorsPolicy(rc.cors(), rc.match().methods()), maxBody, errors).withOperation(Operations.of(rc)));
        }
        for (ModelListRoutes.Pair pair : ModelListRoutes.of(config)) {
            RouteConfig rc = pair.list(), chat = pair.chat();
            routes.add(new Route(rc.id(), rc.match(), Set.copyOf(rc.match().methods()), new Steps(assembler.assemble(rc, 0), rc.id(), services.metrics),
                    new Route.Local(new ModelListEndpoint(catalogue, identity -> services.guards.allowedModels(chat, identity), services.limits::tierOf)),
                    rc.cors() == null ? null : new CorsPolicy(rc.cors(), rc.match().methods()), 0).withOperation("models"));
        }
        for (SystemRoutes.SystemRoute sr : SystemRoutes.of(config, services)) {
            long maxBody = Math.min(SystemRoutes.MAX_BODY, edgeMax);
            RouteConfig rc = sr.config();
            routes.add(new Route(rc.id(), rc.match(), Set.copyOf(rc.match().methods()), new Steps(assembler.assemble(rc, maxBody), rc.id(), services.metrics),
                    new Route.Local(sr.endpoint()), null, maxBody).withOperation(sr.operation()));
        }
        List<Control> edge = new ArrayList<>();
        // audit.on_failure: refuse — nothing happens that the audit trail could not record (docs/audit.md).
        if (config.audit().onFailure() == dev.bastion.config.AuditConfig.OnFailure.REFUSE) edge.add(new dev.bastion.audit.AuditGate(services.audit));
        // Address rules come before any other work: a refused address gets no path decoding, no routing.
        if (services.addressRules != null) edge.add(new AddressFilterControl(services.addressRules));
        // Addresses an automatic response blocked (O4), as early: a blocked client costs nothing more.
        if (services.responses.blocksAddresses()) edge.add(new dev.bastion.ipfilter.BlockedAddressControl(services.responses.active()));
        edge.add(new dev.bastion.incident.BlockedNetworkControl(services.incidents.active())); // addresses and ranges an operator blocked (R2)
        edge.add(new FramingControl());
        edge.add(new PathControl());
        PublicListenerConfig pl = config.listeners().publicListener();
        return new Listener("public", vertx, new ClientIpResolver(pl.trustedProxyRanges()), pl.tls() != null,
                new Steps(new Chain(edge), null, services.metrics), new RouteTable(routes), config.edge().bodyTimeout().toMillis(), recorders,
                services.tracing);
    }

    /** An upstream's client certificate and pinned trust (E7), or null; a PEM or CA file that does not parse is a config error. */
    private static dev.bastion.upstream.UpstreamTls upstreamTls(Vertx vertx, String name, UpstreamConfig config, Keys resolved) {
        if (config.tlsSettings() == null) return null;
        List<RotatingSecret> pair = resolved.clientCerts().get(name);
        try {
            return new dev.bastion.upstream.UpstreamTls(vertx, "upstreams." + name + ".tls", config.tlsSettings(), pair == null ? null : pair.get(0),
                    pair == null ? null : pair.get(1));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
    }

    private record Loops(int port, Set<String> names) {}

    /** A listener's TLS, watched for rotated files; null without TLS. A file that does not load is a config error. */
    private static ListenerTls listenerTls(Vertx vertx, String name, dev.bastion.config.TlsConfig config, List<ListenerTls> made) {
        if (config == null) return null;
        ListenerTls tls;
        try {
            tls = new ListenerTls(vertx, name, config);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
        made.add(tls.watch());
        return tls;
    }

    private static Future<Loops> deployPublic(Vertx vertx, BastionConfig config, Supplier<Listener> listener, int n, List<String> deployments,
                                              List<ListenerVerticle> up, ListenerTls tls, dev.bastion.observe.EventLoopLag lag) {
        EdgeConfig edge = config.edge();
        PublicListenerConfig pl = config.listeners().publicListener();
        // Port 0 becomes -1: Vert.x's random port, shared by every server listening on that same -1.
        int port = pl.port() == 0 ? -1 : pl.port();
        Supplier<ListenerVerticle> instance = () -> {
            HttpServerOptions options = serverOptions(pl.host(), port, edge.maxHeaderBytes().asInt(), edge.maxUriBytes().asInt());
            if (tls != null) tls.apply(options, pl.tls().http2(), edge.maxHeaderBytes().asInt());
            return new ListenerVerticle(listener, options, edge.headerTimeout().toMillis(), edge.idleTimeout().toMillis())
                    .clientCertificates(tls == null ? null : tls.clientVerifier()).measuringLag(lag);
        };
        return deployOnDistinctLoops(vertx, instance, n, 4 * n, up, deployments)
                .map(v -> new Loops(up.getFirst().actualPort(), up.stream().map(ListenerVerticle::eventLoop).collect(Collectors.toCollection(TreeSet::new))));
    }

    /** The admin listener on one event loop; its port, or -1 when it is disabled. */
    private static Future<Integer> deployAdmin(Vertx vertx, BastionConfig config, Listener listener, List<String> deployments, ListenerTls tls) {
        AdminListenerConfig admin = config.listeners().admin();
        if (!admin.enabled()) return Future.succeededFuture(-1);
        EdgeConfig edge = config.edge();
        HttpServerOptions options = serverOptions(admin.host(), admin.port(), 8192, edge.maxUriBytes().asInt());
        // Client certificates authenticate the connection only: the admin routes still authorize by key, token or session.
        if (tls != null) tls.apply(options, null, 8192);
        ListenerVerticle v = new ListenerVerticle(listener, options, edge.headerTimeout().toMillis(), edge.idleTimeout().toMillis());
        return vertx.deployVerticle(v, eventLoop()).map(id -> {
            deployments.add(id);
            return v.actualPort();
        });
    }

    /** The egress proxy when {@code listeners.egress} is enabled; else null. A bad ACL is a config error. */
    private static EgressProxy egressProxy(BastionConfig config, Services services) {
        if (!config.listeners().egress().enabled()) return null;
        dev.bastion.egress.ProxyAcl acl;
        try {
            acl = dev.bastion.egress.ProxyAcl.from(config.egress().proxy());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(e.getMessage()));
        }
        // every credential the rest of Bastion accepts: API keys, Bastion tokens, identity-provider JWTs — then the revocation list
        List<dev.bastion.authn.Authenticator> authenticators = new ChainAssembler(services, null).authenticators(new RouteConfig.Auth(
                List.of(RouteConfig.AuthMethod.API_KEY, RouteConfig.AuthMethod.BASTION_TOKEN, RouteConfig.AuthMethod.JWT), null, null));
        return new EgressProxy(services.connector, acl, new dev.bastion.authn.AuthenticateControl(authenticators, services.revocations),
                config.egress().proxy(), EgressProxyRecord.to(services.audit, services.metrics.registry()));
    }

    /** The egress proxy on {@code n} event loops, on one port; its port, or -1 when it is disabled. */
    private static Future<Integer> deployEgress(Vertx vertx, BastionConfig config, EgressProxy proxy, int n, List<String> deployments) {
        if (proxy == null) return Future.succeededFuture(-1);
        dev.bastion.config.EgressListenerConfig el = config.listeners().egress();
        // The first instance binds (port 0: a free port), the others share its port. Not Vert.x's shared random port -1:
        // every server on -1 is one server, and the public listener is already there.
        return deployEgressInstance(vertx, config, proxy, el.port(), deployments).compose(port -> {
            Future<Void> rest = Future.succeededFuture();
            for (int i = 1; i < n; i++) rest = rest.compose(v -> deployEgressInstance(vertx, config, proxy, port, deployments).mapEmpty());
            return rest.map(port);
        });
    }

    private static Future<Integer> deployEgressInstance(Vertx vertx, BastionConfig config, EgressProxy proxy, int port, List<String> deployments) {
        HttpServerOptions options = serverOptions(config.listeners().egress().host(), port, config.edge().maxHeaderBytes().asInt(),
                config.edge().maxUriBytes().asInt())
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.egress().proxy().idleTimeout().toMillis()))
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        EgressProxyVerticle verticle = new EgressProxyVerticle(proxy, options);
        return vertx.deployVerticle(verticle, eventLoop()).map(id -> {
            deployments.add(id);
            return verticle.actualPort();
        });
    }

    static HttpServerOptions serverOptions(String host, int port, int maxHeaderBytes, int maxUriBytes) {
        return new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxInitialLineLength(maxUriBytes)
                .setHandle100ContinueAutomatically(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false) // HTTP/2 only over TLS (ALPN, ListenerTls): no h2c upgrade from plain-text clients
                .setIdleTimeout(0); // connection deadlines and per-request timeouts handle idleness
    }

    private static DeploymentOptions eventLoop() {
        return new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP);
    }

    /**
     * Deploys the public listener's instances one by one, each on an event loop none of the others serves
     * on: an instance started on a taken loop refuses to start (before it listens) and is deployed again,
     * and Vert.x hands out loops in turn, so the next try gets another. Vert.x offers no way to ask for a
     * loop, and which one an instance gets depends on every context created before it — both instances
     * of a two-core machine had landed on one loop, so one core served every request (found measuring the
     * WAF). After {@code attempts} refusals (more instances than loops) an instance shares a loop.
     */
    private static Future<Void> deployOnDistinctLoops(Vertx vertx, Supplier<ListenerVerticle> instance, int wanted, int attempts,
                                                      List<ListenerVerticle> up, List<String> deployments) {
        if (up.size() == wanted) return Future.succeededFuture();
        ListenerVerticle v = instance.get();
        if (attempts > 0) v.refusingLoops(up.stream().map(ListenerVerticle::eventLoop).collect(Collectors.toSet()));
        return vertx.deployVerticle(v, eventLoop()).compose(id -> {
            up.add(v);
            deployments.add(id);
            return deployOnDistinctLoops(vertx, instance, wanted, attempts, up, deployments);
        }, failure -> failure instanceof ListenerVerticle.LoopTaken
                ? deployOnDistinctLoops(vertx, instance, wanted, attempts - 1, up, deployments)
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
    public Set<String> eventLoops() {
        return eventLoops;
    }

    /** The egress proxy's port, or -1 when it is disabled. */
    public int egressPort() {
        return egressPort;
    }

    /**
     * Writes this node's traffic and usage counted so far, the current minute too (normally finished minutes are
     * written every {@link Services#STATS_FLUSH}): what a test that cannot wait for a minute to end calls. Blocks.
     */
    public int flushStats() {
        return services.stats.flush(true);
    }

    /** The admin listener's port, or -1 when it is disabled. */
    public int adminPort() {
        return adminPort;
    }

    /**
     * Loads a new config into the running gateway, or refuses it and keeps the running one ({@link ConfigReload#reload}).
     *
     * @param trigger what asked for it ({@code sighup}, {@code file}, {@code admin_api}), for the audit event
     */
    public Future<ConfigReload.Outcome> reload(BastionConfig next, String configHash, String trigger) {
        return reloads.reload(next, configHash, trigger);
    }

    /** What {@code POST /admin/v1/reload} reloads from: {@code serve} re-reads its config file. */
    public void reloadFrom(java.util.function.Function<String, Future<ConfigReload.Outcome>> source) {
        reloads.reloadFrom(source);
    }

    /** Records a reload that did not get as far as a config (the file did not parse or validate). */
    public void reloadRefused(String configHash, String trigger, List<String> problems) {
        reloads.refused(configHash, trigger, problems);
    }

    /**
     * The graceful stop: readiness answers 503 from now on, the public listener stops accepting and its requests and
     * streams in flight get {@code drain} to finish (what is still open then is cut), then
     * everything closes as in {@link #close} — the audit queue last, so the drain's own events are stored.
     */
    public Future<Void> stop(java.time.Duration drain) {
        services.draining.set(true);
        log.info("draining: readiness is false, the public listener accepts no more connections; in-flight requests have {}", drain);
        List<Future<?>> drained = new ArrayList<>();
        publicVerticles.forEach(v -> drained.add(v.drain(drain)));
        return Future.join(drained).transform(ignored -> close());
    }

    /** The admin listener's routes as assembled (AdminOpenApiTest checks the API's document against them). */
    List<Route> adminRoutes() {
        return adminRoutes;
    }

    public Future<Void> close() {
        List<Future<?>> closing = new ArrayList<>();
        deployments.forEach(id -> closing.add(vertx.undeploy(id)));
        tls.forEach(ListenerTls::close);
        reloads.close();
        // The services close after the listeners (no request is left to use them) and off the event loop: closing
        // drains the audit queue, whose last checkpoint may go to an HTTP witness over that same loop. The returned
        // future completes only when they are closed, so a caller that then reads the store sees every event.
        return Future.join(closing).transform(ignored -> vertx.executeBlocking(() -> {
            services.close();
            return null;
        }, false)).mapEmpty();
    }
}
