package dev.bastion.respond;

import dev.bastion.audit.AuditTrail;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.config.ResponsesConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.state.RedisScript;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic responses (O4) as the gateway runs them: the rules' engine (an exchange listener), the two
 * controls that enforce what is in force (an edge step for blocked addresses, one after authentication for
 * suspended keys), the store feed and, with Redis, the broadcast channel and shared counts. Nothing of it exists
 * when no rule is configured ({@link #NONE}).
 */
public final class ResponsesRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResponsesRuntime.class);
    private static final ClientProfile WEBHOOK = new ClientProfile("responses_webhook", Duration.ofSeconds(5), 2, Duration.ofSeconds(30), 8192, false);

    public static final ResponsesRuntime NONE = new ResponsesRuntime();

    private final ResponsesConfig config;
    private final ActiveResponses active;
    private final RuleCounter counter;
    private final Responder responder;
    private final ResponseEngine engine;
    private final Store store;
    private final Vertx vertx;
    private final io.vertx.redis.client.Redis redis;
    private ResponseFeed feed;
    private RedisResponseChannel channel;

    private ResponsesRuntime() {
        config = null;
        active = null;
        counter = null;
        responder = null;
        engine = null;
        store = null;
        vertx = null;
        redis = null;
    }

    private ResponsesRuntime(ResponsesConfig config, Store store, AuditTrail audit, Vertx vertx, io.vertx.redis.client.Redis redis,
                             RedisScript.Sender shared, OutboundConnector connector, Executor executor, Clock clock, MeterRegistry registry,
                             String node) {
        this.config = config;
        this.store = store;
        this.vertx = vertx;
        this.redis = redis;
        this.active = new ActiveResponses(clock);
        this.counter = new RuleCounter(shared);
        this.responder = new Responder(store, active, this::broadcast, audit, webhook(config.webhook(), connector), executor, clock, node);
        this.engine = new ResponseEngine(config, counter, responder, active, clock, registry);
        Gauge.builder("bastion.responses.active", active, a -> a.inForce().size()).description("Blocks and suspensions in force on this node")
                .register(registry);
    }

    /**
     * @param redis  the process's Redis client (broadcast), or null
     * @param shared where counts are kept across nodes ({@code SharedState}'s sender), or null for this node only
     */
    public static ResponsesRuntime create(ResponsesConfig config, Store store, AuditTrail audit, Vertx vertx, io.vertx.redis.client.Redis redis,
                                          RedisScript.Sender shared, OutboundConnector connector, Executor executor, Clock clock,
                                          MeterRegistry registry, String node) {
        if (config.rules().isEmpty()) return NONE;
        return new ResponsesRuntime(config, store, audit, vertx, redis, shared, connector, executor, clock, registry, node);
    }

    /** Loads what is in force (blocking) and starts the poll; subscribes to the broadcast when Redis is configured. */
    public Future<Void> start() {
        if (engine == null) return Future.succeededFuture();
        feed = new ResponseFeed(store, this::apply, responder::markExpired, Clock.systemUTC()).start(config.pollInterval());
        if (redis == null) return Future.succeededFuture();
        channel = new RedisResponseChannel(vertx, redis, this::apply);
        return channel.start().recover(t -> {
            log.warn("responses: Redis unreachable at start; actions arrive by the store poll until it is back");
            return Future.succeededFuture();
        });
    }

    /** A lift made here (the admin API): this node applies it now, the others by broadcast or at their next poll. */
    public void lifted(ResponseAction a) {
        if (active == null) return;
        apply(a);
        broadcast(a);
    }

    private void apply(ResponseAction a) {
        // A lift counts the subject afresh, once: the poll delivers the same lift again for a while.
        if (active.apply(a) && a.liftedAt() != null) counter.forget(a.rule(), a.subject()); // subjects are stored in their one spelling
    }

    private void broadcast(ResponseAction a) {
        RedisResponseChannel c = channel;
        if (c != null) c.accept(a);
    }

    /** The rules' listener; null when there are none. */
    public ExchangeListener listener() {
        return engine;
    }

    /** Whether a rule blocks addresses: the public listener then refuses those in force ({@code ipfilter.BlockedAddressControl}). */
    public boolean blocksAddresses() {
        return engine != null && config.rules().stream().anyMatch(r -> r.action() == ResponsesConfig.Action.BLOCK_IP);
    }

    /** Whether a rule suspends keys: routes then refuse those in force ({@code authz.SuspendedKeyControl}). */
    public boolean suspendsKeys() {
        return engine != null && config.rules().stream().anyMatch(r -> r.action() == ResponsesConfig.Action.SUSPEND_KEY);
    }

    /** What is in force on this node. */
    public ActiveResponses active() {
        return active;
    }

    private static Responder.Webhook webhook(String url, OutboundConnector connector) {
        if (url == null || connector == null) return null;
        Destination to = Destination.of(url);
        URI u = URI.create(url);
        String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return event -> connector.whole(to, WEBHOOK, new RequestOptions().setMethod(HttpMethod.POST).setURI(path).putHeader("Content-Type", "application/json"),
                        Buffer.buffer(new JsonObject(event).encode()), 64 * 1024, Duration.ofSeconds(10))
                .onSuccess(r -> {
                    if (r.status() / 100 != 2) log.warn("responses: the webhook answered {}", r.status());
                })
                .onFailure(t -> log.warn("responses: the webhook was not reached ({})", t.getClass().getSimpleName()));
    }

    @Override
    public void close() {
        if (feed != null) feed.close();
        if (channel != null) channel.close();
    }
}
