package dev.bastion.server;

import dev.bastion.authn.ApiKeyAuthenticator;
import dev.bastion.authn.RedisRevocationChannel;
import dev.bastion.authn.RevocationFeed;
import dev.bastion.authn.RevocationList;
import dev.bastion.authn.RevocationService;
import dev.bastion.authn.TokenCache;
import dev.bastion.authn.UserDirectory;
import dev.bastion.authn.jwt.IdpTokenVerifier;
import dev.bastion.authn.jwt.JwksFetcher;
import dev.bastion.config.BastionConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import dev.bastion.tokens.ClientService;
import dev.bastion.tokens.JwksEndpoint;
import dev.bastion.tokens.MasterKey;
import dev.bastion.tokens.SigningKeys;
import dev.bastion.tokens.TokenEndpoint;
import dev.bastion.tokens.TokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services every event loop shares: credential verification (API keys, identity providers, Bastion
 * tokens), revocation, Bastion's signing keys and token endpoint. Built once per gateway; the store work
 * of building them runs on a worker.
 */
final class Services implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    final Vertx vertx;
    final BastionConfig config;
    final Store store;
    /** How often each node reads the MCP pins other nodes and operators changed. */
    static final java.time.Duration MCP_PIN_POLL = java.time.Duration.ofSeconds(2);
    final ExecutorService storeExecutor;
    /** MCP tool pins, every route's, polled from the store (docs/mcp.md#pinning-tool-definitions). */
    final dev.bastion.mcp.McpPins mcpPins;
    final Clock clock = Clock.systemUTC();
    final RevocationList revocations;
    final RevocationService revocationService;
    final TokenCache tokenCache;
    final UserDirectory users;
    final IdpTokenVerifier idp;
    final ApiKeyAuthenticator apiKeys;
    SigningKeys signingKeys;
    TokenIssuer issuer;
    ClientService clients;
    TokenEndpoint tokenEndpoint;
    JwksEndpoint jwksEndpoint;
    /** The process's Redis client when {@code redis.url} is set; else null. */
    final io.vertx.redis.client.Redis redisClient;
    final dev.bastion.state.RedisPipe redisPipe;
    final dev.bastion.state.SharedState sharedState;
    final dev.bastion.limit.LimitsRuntime limits;
    /** MCP tool calls waiting for an operator (node-local), shared by the public listener's routes and the admin API. */
    final dev.bastion.approval.Approvals approvals;
    /** Approval decisions between nodes when {@code redis.url} is set; else null (the holding node polls). */
    private final dev.bastion.approval.ApprovalChannel approvalChannel;
    final dev.bastion.budget.BudgetsRuntime budgets;
    final dev.bastion.guard.GuardsRuntime guards;
    /** The end-user identifiers providers receive, keyed from the master key (set at start, before any chain is built). */
    dev.bastion.enduser.EndUserIds endUserIds;
    /** URLs in prompts for the model server to fetch (S1); null under {@code egress.media_urls: any}. */
    final dev.bastion.mediaurl.MediaUrlControl mediaUrls;
    final dev.bastion.ipfilter.AddressRules addressRules; // IP lists and countries; null: none configured
    final dev.bastion.waf.Inspector waf; // the inspection rules; null: waf.rules.mode off
    final dev.bastion.waf.BlockedRequestLog wafBlocked; // one per instance: the sampling budget is the instance's
    final dev.bastion.contract.Contracts contracts; // every route's schemas, compiled once at load
    final dev.bastion.waf.WafMeters wafMeters; // per-rule counters, made once; null when the rules are off
    final dev.bastion.idempotency.IdempotencyStores idempotency;
    final dev.bastion.bots.BotsRuntime bots; // bot control's key, rates, verified-bot cache (docs/bots.md)
    final dev.bastion.observe.GatewayMetrics metrics = new dev.bastion.observe.GatewayMetrics();
    /** Set when a graceful stop began: readiness answers 503 so load balancers send no more (docs/operations.md#graceful-stop). */
    final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    /** The admin listener's bound port once it listens: the console's default origin names it (port 0 in tests). */
    final java.util.concurrent.atomic.AtomicInteger adminPort = new java.util.concurrent.atomic.AtomicInteger();
    /** Every model deployment's circuit breaker and requests in flight (U5). */
    final dev.bastion.failover.DeploymentHealthRegistry deploymentHealth;
    /** Shares the breakers with the other instances when {@code redis.url} is set; else null. */
    private final dev.bastion.failover.RedisBreakerChannel sharedBreakers;
    /** Every outbound HTTP call's way out: upstreams, identity providers, classifiers. */
    final dev.bastion.egress.OutboundConnector connector;
    /** The audit trail: every {@code AuditLog} caller's events, typed, into the store (docs/audit.md). */
    final dev.bastion.audit.AuditTrail audit;
    /** The resolver with the config's secret stores (Vault, Secrets Manager), which it reaches through {@link #connector}. */
    final SecretResolver secrets;
    /** Automatic responses (O4): the rules, and what is blocked or suspended; {@code ResponsesRuntime.NONE} without rules. */
    final dev.bastion.respond.ResponsesRuntime responses;
    /** Incident switches (R2): an operator's blocks, suspensions, disabled routes and models, lockdown (docs/operations.md). */
    final dev.bastion.respond.IncidentRuntime incidents;
    /** The key-encryption keys and the data keys under them: what Bastion stores sealed (docs/data-protection.md). */
    final dev.bastion.dataprotect.Keks keks;
    final dev.bastion.dataprotect.DataKeys dataKeys;
    /** The request spans' tracer and exporter; {@link dev.bastion.observe.Tracing#OFF} unless {@code observability.tracing.enabled}. */
    dev.bastion.observe.Tracing tracing = dev.bastion.observe.Tracing.OFF;
    private long usageTimer = -1;
    /** Traffic and LLM usage per minute for the admin API's history (docs/observability.md); written every {@link #STATS_FLUSH}. */
    final dev.bastion.stats.StatsRecorder stats;
    static final java.time.Duration STATS_FLUSH = java.time.Duration.ofSeconds(10);
    private long statsTimer = -1;
    private RevocationFeed feed;
    private RedisRevocationChannel redis;
    private long keyTimer = -1;
    /** The access log's daily files when {@code access_log.dir} is set (closed with the services); else null: stdout. */
    final dev.bastion.observe.AccessLogWriter accessLogFiles;
    /** Retention's schedule (docs/data-protection.md); null when {@code retention.enabled} is false. */
    private dev.bastion.retention.RetentionScheduler retention;

    private Services(Vertx vertx, BastionConfig config, Store store, SecretResolver given) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        metrics.bindJvm(); // heap, GC, threads, file descriptors on /metrics; unbound in close()
        this.contracts = dev.bastion.contract.Contracts.compile(config); // a schema that does not compile stops the start
        // The transport waivers and the audit fields written in clear are posture findings, logged by Gateway.start.
        this.accessLogFiles = accessLogFiles(config);
        this.audit = dev.bastion.audit.AuditTrail.start(config.audit(), store, () -> MasterKey.load(config, given), metrics.registry(), config.store().url());
        this.connector = new dev.bastion.egress.OutboundConnector(vertx, dev.bastion.egress.EgressPolicy.from(config), audit, metrics.registry());
        audit.witnessOver(connector);
        this.secrets = given.connect(vertx, connector, config.secrets());
        SecretResolver secrets = this.secrets;
        this.keks = dev.bastion.dataprotect.Keks.create(config.dataProtection(), () -> MasterKey.load(config, secrets), vertx, connector, secrets);
        this.dataKeys = new dev.bastion.dataprotect.DataKeys(store.dataKeys(), keks, config.dataProtection(), clock);
        audit.sealWith(dev.bastion.dataprotect.AuditFieldSealer.of(dataKeys)); // before any listener opens
        audit.startSinks(config.audit().sinks(), this::otlpSink, metrics.registry());
        AtomicInteger threadIds = new AtomicInteger();
        this.storeExecutor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bastion-store-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.revocations = new RevocationList(clock);
        this.mcpPins = new dev.bastion.mcp.McpPins(store.mcpPins(), audit, clock);
        this.tokenCache = new TokenCache(100_000, clock);
        this.users = new UserDirectory(store, storeExecutor, clock, audit);
        this.idp = new IdpTokenVerifier(config.identity().issuers(), new JwksFetcher(connector), clock);
        this.apiKeys = new ApiKeyAuthenticator(store.apiKeys(), storeExecutor, config.apiKeys().cacheTtl(), config.apiKeys().cacheSize(), clock);
        this.revocationService = new RevocationService(store, clock, this::broadcast, revocations);
        this.redisClient = config.redis() == null ? null : dev.bastion.state.RedisClients.create(vertx, config.redis(), secrets);
        this.redisPipe = redisClient == null ? null : new dev.bastion.state.RedisPipe(redisClient, config.limits().backendTimeout().toMillis());
        this.sharedState = dev.bastion.state.SharedState.of(config, redisPipe);
        this.approvalChannel = redisClient == null ? null : new dev.bastion.approval.ApprovalChannel(vertx, redisClient);
        this.approvals = new dev.bastion.approval.Approvals(vertx, audit, clock, store.mcpApprovals(), storeExecutor, config.audit().node(), approvalChannel);
        this.limits = dev.bastion.limit.LimitsRuntime.create(config, store, storeExecutor, sharedState);
        this.limits.registerMetrics(metrics.registry());
        this.idempotency = dev.bastion.idempotency.IdempotencyStores.create(sharedState, dev.bastion.dataprotect.ResponseSealers.of(vertx, dataKeys));
        this.idempotency.registerMetrics(metrics.registry());
        this.stats = new dev.bastion.stats.StatsRecorder(store.stats(), config.audit().node(), clock,
                config.retention().enabled() ? config.retention().usage().keep() : null); // usage history kept as the budgets' records
        this.budgets = dev.bastion.budget.BudgetsRuntime.create(config.budgets(), store, storeExecutor, sharedState, metrics.registry(), audit, clock);
        this.guards = dev.bastion.guard.GuardsRuntime.create(vertx, connector, config.guard(), secrets, audit, metrics.registry());
        // No host the config names is exempt here: an upstream's private address is as closed to a model server's fetch as metadata.
        this.mediaUrls = config.egress().mediaUrls() == dev.bastion.config.EgressConfig.MediaUrls.ANY ? null
                : new dev.bastion.mediaurl.MediaUrlControl(vertx, config.egress().mediaUrls(), connector,
                        dev.bastion.egress.EgressPolicy.of(java.util.List.of(), config.egress().allowPrivateRanges()));
        if (config.waf().rules().mode() == dev.bastion.config.WafRulesConfig.Mode.OFF) {
            this.waf = null;
        } else {
            try {
                this.waf = new dev.bastion.waf.Inspector(dev.bastion.waf.RuleSet.load(config.waf().rules().files()), config.waf().rules().paranoia());
            } catch (IllegalArgumentException e) {
                throw new dev.bastion.config.ConfigException(java.util.List.of("waf.rules: " + e.getMessage()));
            }
        }
        this.deploymentHealth = new dev.bastion.failover.DeploymentHealthRegistry(config.breakers(), metrics.registry());
        this.sharedBreakers = redisClient == null ? null : new dev.bastion.failover.RedisBreakerChannel(vertx, redisClient, deploymentHealth);
        if (sharedBreakers != null) deploymentHealth.share(sharedBreakers); // before the catalogue creates the breakers
        this.wafBlocked = new dev.bastion.waf.BlockedRequestLog(audit, config.waf().rules().blockedLogPerSecond(), metrics.registry());
        this.wafMeters = waf == null ? null : new dev.bastion.waf.WafMeters(waf, metrics.registry());
        this.bots = new dev.bastion.bots.BotsRuntime(config.bots(), challengeTokens(config, secrets, clock),
                new dev.bastion.bots.VertxBotDns(vertx, connector), sharedState.redis(), audit, metrics.registry(), clock);
        dev.bastion.ipfilter.AddressRules rules = dev.bastion.ipfilter.AddressRules.load(config.waf());
        this.addressRules = rules == null ? null : rules.start(vertx, metrics.registry(), audit);
        this.responses = dev.bastion.respond.ResponsesRuntime.create(config.responses(), store, audit, vertx, redisClient,
                redisPipe == null ? null : redisPipe.sender(), connector, storeExecutor, clock, metrics.registry(), config.audit().node());
        this.incidents = new dev.bastion.respond.IncidentRuntime(config.incidents(), store, audit, vertx, redisClient, clock, metrics.registry(),
                config.audit().node());
    }

    /**
     * The challenge cookies' and proof-of-work challenges' key: {@code bots.challenge_key}; else one derived from
     * {@code tokens.master_key}, which every node shares, so a cookie set by one node passes on the others; else one
     * made now, good on this node only (said once, when a route uses bot control).
     */
    private static dev.bastion.bots.ChallengeTokens challengeTokens(BastionConfig config, SecretResolver secrets, Clock clock) {
        dev.bastion.config.BotsConfig bots = config.bots();
        if (bots.challengeKey() != null) {
            try {
                return dev.bastion.bots.ChallengeTokens.fromKeyset(secrets.resolve(bots.challengeKey(), "bots.challenge_key").reveal(), clock, bots.challengeTtl());
            } catch (java.security.GeneralSecurityException e) {
                throw new dev.bastion.config.ConfigException("bots.challenge_key: not a usable Tink MAC keyset (" + e.getClass().getSimpleName() + ")");
            }
        }
        boolean used = bots.mode() != dev.bastion.config.BotsConfig.Mode.OFF
                || config.routes().stream().anyMatch(r -> r.bots() != null && r.bots().mode() != null && r.bots().mode() != dev.bastion.config.BotsConfig.Mode.OFF);
        if (config.tokens().masterKey() != null) {
            try {
                byte[] key = MasterKey.derive(secrets.resolve(config.tokens().masterKey(), "tokens.master_key").reveal(), "bastion bots challenge key v1", 32);
                if (used) log.info("bots: challenges are signed with a key derived from tokens.master_key (good on every node that shares it)");
                return dev.bastion.bots.ChallengeTokens.fromSecret(key, clock, bots.challengeTtl());
            } catch (java.security.GeneralSecurityException e) {
                throw new dev.bastion.config.ConfigException("tokens.master_key: not a usable Tink keyset (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (used) log.warn("bots: neither bots.challenge_key nor tokens.master_key is set; challenges are signed with a key made at start, "
                + "good on this node only (behind a load balancer without affinity, set one)");
        return dev.bastion.bots.ChallengeTokens.generated(clock, bots.challengeTtl());
    }

    static Future<Services> start(Vertx vertx, BastionConfig config, Store store, SecretResolver secrets) {
        Services s;
        try {
            s = new Services(vertx, config, store, secrets);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return vertx.executeBlocking(() -> {
            MasterKey master = MasterKey.load(config, s.secrets);
            s.endUserIds = new dev.bastion.enduser.EndUserIds(master.derive(dev.bastion.enduser.EndUserIds.PURPOSE, 32));
            s.signingKeys = new SigningKeys(store, master, config.tokens(), s.clock).start();
            s.signingKeys.rotateIfDue();
            s.issuer = new TokenIssuer(s.signingKeys, config.tokens(), s.clock);
            s.clients = new ClientService(store, s.clock);
            s.tokenEndpoint = new TokenEndpoint(s.clients, s.issuer, s.idp, s.users, s.revocations, store.issuedTokens(), config.tokens(), s.storeExecutor);
            s.jwksEndpoint = new JwksEndpoint(s.signingKeys);
            s.feed = new RevocationFeed(store, s.revocations, s.clock).start(config.revocation().pollInterval());
            s.mcpPins.start(MCP_PIN_POLL); // loaded now (blocking): no tool is judged against an empty table
            s.responses.start(); // what is in force is loaded now (blocking); the Redis subscription follows by itself
            s.incidents.start(); // the same for incident switches: thrown ones are in force from the first request
            s.audit.event("config.loaded", java.util.Map.of("environment", config.environment().name().toLowerCase(java.util.Locale.ROOT),
                    "routes", config.routes().size(), "upstreams", config.upstreams().size(), "models", config.models().size()));
            return s;
        }).compose(v -> {
            s.idp.prefetch();
            if (config.retention().enabled()) s.retention = s.startRetention();
            s.usageTimer = vertx.setPeriodic(1000, t -> s.budgets.flushSoon());
            s.statsTimer = vertx.setPeriodic(STATS_FLUSH.toMillis(), t -> s.storeExecutor.execute(() -> s.stats.flush(false)));
            s.keyTimer = vertx.setPeriodic(config.tokens().keyRefresh().toMillis(), t -> vertx.executeBlocking(() -> {
                s.signingKeys.rotateIfDue(); // also refreshes when another node rotated
                return null;
            }).onFailure(e -> log.warn("signing key refresh failed: {}", e.getMessage())));
            if (config.redis() == null) return Future.succeededFuture(s);
            // Open the pool's first connection now, so the first limit decision does not pay for the handshake.
            s.redisClient.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PING))
                    .onFailure(t -> log.warn("Redis unreachable at start ({}); limits follow limits.on_backend_failure until it is back", t.getMessage()));
            s.sharedBreakers.start(); // not awaited: until it subscribes, breakers are this instance's own (and it keeps trying)
            s.redis = new RedisRevocationChannel(vertx, s.redisClient, s.revocations::apply);
            // Redis being down at start is not fatal: the store poll still delivers revocations.
            return s.redis.start().recover(t -> {
                log.warn("Redis unreachable at start ({}); revocations arrive by store poll until it is back", t.getMessage());
                return Future.succeededFuture();
            }).compose(ok -> s.approvalChannel.start().recover(t -> Future.succeededFuture())).map(s); // it logs and keeps trying itself
        }).onFailure(t -> s.close());
    }

    /**
     * Starts tracing when enabled (blocking: resolves the collector's name). The OTLP exporter sends with the
     * JDK's HttpClient, not the {@link dev.bastion.egress.OutboundConnector}; so its endpoint is held to the egress
     * policy here, once: a collector whose address is cloud metadata (or private without being named in config —
     * it always is) refuses the start. docs/observability.md#egress says what this does not cover.
     */
    void startTracing(java.util.function.Supplier<java.util.Map<String, String>> headers) {
        dev.bastion.config.TracingConfig tc = config.observability().tracing();
        if (!tc.enabled()) return;
        String host = checkCollector("observability.tracing.endpoint", tc.endpoint());
        tracing = dev.bastion.observe.Tracing.create(tc, headers);
        tracing.registerMetrics(metrics.registry());
        log.info("tracing on: OTLP/HTTP to {} (sample ratio {}, queue {})", host, tc.sampleRatio(), tc.maxQueue());
    }

    /**
     * An {@code otlp} audit sink: its collector held to the egress policy as tracing's is, its headers' secret
     * references resolved now (blocking; at start).
     */
    private dev.bastion.audit.AuditSink otlpSink(dev.bastion.config.AuditSinkConfig c) {
        checkCollector("audit.sinks." + c.name() + ".endpoint", c.endpoint());
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        c.headers().forEach((name, value) -> headers.put(name, value.startsWith("env:") || value.startsWith("file:")
                ? secrets.resolve(dev.bastion.config.SecretRef.parse(value), "audit.sinks." + c.name() + ".headers." + name).reveal() : value));
        dev.bastion.observe.OtlpLogSink sink = new dev.bastion.observe.OtlpLogSink(c.endpoint(), java.util.Map.copyOf(headers),
                config.observability().tracing().serviceName(), java.time.Duration.ofSeconds(10));
        return new dev.bastion.audit.OtlpAuditSink(sink);
    }

    /** The collector's host, once its addresses are held to the egress policy (a metadata address refuses the start). */
    private String checkCollector(String key, java.net.URI endpoint) {
        String host = dev.bastion.egress.Destination.of(endpoint).host();
        java.util.List<byte[]> addresses = new java.util.ArrayList<>();
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) addresses.add(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            // Not fatal: the collector may come later; the exporter counts its failures.
            log.warn("{}: {} does not resolve now; it is sent to when it does", key, host);
        }
        dev.bastion.egress.AddressClass refused = addresses.isEmpty() ? null : dev.bastion.egress.EgressPolicy.from(config).refusal(host, addresses);
        if (refused != null) {
            throw new dev.bastion.config.ConfigException(java.util.List.of(key + ": " + host
                    + " resolves to an address the egress policy refuses (" + refused.name().toLowerCase(java.util.Locale.ROOT) + ")"));
        }
        return host;
    }

    private static dev.bastion.observe.AccessLogWriter accessLogFiles(BastionConfig config) {
        String dir = config.accessLog().dir();
        if (dir == null) return null;
        try {
            return new dev.bastion.observe.AccessLogWriter(new dev.bastion.observe.DailyLogFiles(java.nio.file.Path.of(dir), Clock.systemUTC()));
        } catch (java.io.IOException e) {
            throw new dev.bastion.config.ConfigException(java.util.List.of("access_log.dir: cannot create " + dir + " (" + e.getClass().getSimpleName() + ")"));
        }
    }

    /**
     * The retention job on its own thread, first a minute after start (not competing with the start's own store
     * work; sooner when the interval is shorter), then every {@code retention.interval}. It signs audit retention cuts with this node's checkpoint key.
     */
    private dev.bastion.retention.RetentionScheduler startRetention() {
        String node = config.audit().node();
        dev.bastion.retention.RetentionJob job = new dev.bastion.retention.RetentionJob(store, config.retention(), clock,
                () -> dev.bastion.audit.CheckpointSigner.load(store, MasterKey.load(config, secrets), node, clock.millis()), node, audit::record,
                config.accessLog().dir() == null ? null : java.nio.file.Path.of(config.accessLog().dir()), metrics.registry());
        dev.bastion.dataprotect.SubjectRequests subjects = new dev.bastion.dataprotect.SubjectRequests(store, () -> dataKeys, clock);
        job.withUserEraser(id -> subjects.deleteUser(id, null));
        java.time.Duration interval = config.retention().interval();
        java.time.Duration first = interval.compareTo(java.time.Duration.ofMinutes(1)) < 0 ? interval : java.time.Duration.ofMinutes(1);
        return dev.bastion.retention.RetentionScheduler.start(job, first, interval);
    }

    private void broadcast(Revocation r) {
        RedisRevocationChannel ch = redis;
        if (ch != null) ch.accept(r);
    }

    Consumer<Revocation> broadcaster() {
        return this::broadcast;
    }

    @Override
    public void close() {
        if (keyTimer != -1) vertx.cancelTimer(keyTimer);
        if (usageTimer != -1) vertx.cancelTimer(usageTimer);
        if (statsTimer != -1) vertx.cancelTimer(statsTimer);
        stats.flush(true); // the minutes counted so far, before the store closes
        try {
            budgets.close(); // writes the last second's usage before the store closes
        } catch (RuntimeException e) {
            log.warn("usage record not written at shutdown: {}", e.getMessage());
        }
        if (retention != null) retention.close(); // before the store closes
        if (accessLogFiles != null) accessLogFiles.close(); // writes what is queued
        if (feed != null) feed.close();
        mcpPins.close();
        approvals.close();
        responses.close();
        incidents.close();
        if (redis != null) redis.close();
        if (sharedBreakers != null) sharedBreakers.close();
        if (redisPipe != null) redisPipe.close();
        if (redisClient != null) redisClient.close();
        audit.close(); // drains the queue and signs a last checkpoint (its HTTP witness needs the connector) before the store closes
        secrets.close();
        keks.close();
        connector.close();
        tracing.close(); // exports what is queued, within export_timeout
        if (addressRules != null) addressRules.close();
        metrics.close();
        storeExecutor.shutdownNow();
    }
}
