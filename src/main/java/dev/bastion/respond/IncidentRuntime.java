package dev.bastion.respond;

import dev.bastion.audit.AuditTrail;
import dev.bastion.config.IncidentsConfig;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incident switches (R2) as a gateway runs them: what is thrown ({@link ActiveSwitches}), kept current by the
 * automatic responses' machinery — the store poll every {@code incidents.poll_interval} and, with Redis, the
 * {@code bastion:responses} broadcast — and {@link Incidents} for the admin API. The controls that enforce it are
 * in {@code dev.bastion.incident}, made from {@link #active()} as the rules' are from {@code ResponsesRuntime.active()}.
 * Always present: an operator needs the switches most when nothing was configured for the incident at hand.
 */
public final class IncidentRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IncidentRuntime.class);

    private final IncidentsConfig config;
    private final Store store;
    private final Vertx vertx;
    private final Redis redis;
    private final ActiveSwitches active;
    private final Incidents incidents;
    private ResponseFeed feed;
    private RedisResponseChannel channel;

    /** @param redis the process's Redis client (broadcast), or null: the store poll alone */
    public IncidentRuntime(IncidentsConfig config, Store store, AuditTrail audit, Vertx vertx, Redis redis, Clock clock, MeterRegistry registry,
                           String node) {
        this.config = config;
        this.store = store;
        this.vertx = vertx;
        this.redis = redis;
        this.active = new ActiveSwitches(clock);
        this.incidents = new Incidents(store, config, audit::record, this::announce, node, clock);
        Gauge.builder("bastion.incidents.active", active, a -> a.inForce().size()).description("Incident switches in force on this node").register(registry);
    }

    /** Loads what is thrown (blocking) and starts the poll; subscribes to the broadcast when Redis is configured. */
    public Future<Void> start() {
        feed = new ResponseFeed(store, active::apply, this::markExpired, Clock.systemUTC()).start(config.pollInterval());
        if (redis == null) return Future.succeededFuture();
        channel = new RedisResponseChannel(vertx, redis, active::apply);
        return channel.start().recover(t -> {
            log.warn("incidents: Redis unreachable at start; switches arrive by the store poll until it is back");
            return Future.succeededFuture();
        });
    }

    private void markExpired() {
        int n = incidents.markExpired();
        if (n > 0) log.info("incidents: {} switch(es) expired", n);
    }

    /** This node at once, the others by broadcast (or their next poll). */
    private void announce(ResponseAction a) {
        active.apply(a);
        RedisResponseChannel c = channel;
        if (c != null) c.publish(a);
    }

    public Incidents incidents() {
        return incidents;
    }

    /** What is thrown on this node: what the incident controls read. */
    public ActiveSwitches active() {
        return active;
    }

    @Override
    public void close() {
        if (feed != null) feed.close();
        if (channel != null) channel.close();
    }
}
