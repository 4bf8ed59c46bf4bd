package dev.bastion.failover;

import dev.bastion.state.PubSub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployment breakers shared through Redis (U5), so N instances eject a failing deployment together and
 * let it back in together.
 * <ul>
 *   <li>A breaker that opens here is announced twice: {@code PUBLISH} on {@value #CHANNEL}, for the
 *       instances running now, and {@code SET bastion:breaker:<id> <node> PX <open_for>}, for an instance
 *       that starts, or subscribes again after an outage, while it is still open. Waits are relative
 *       milliseconds (the key's own {@code PTTL}), so the instances' clocks never need to agree.</li>
 *   <li>A breaker that closes here (its probes succeeded) is announced on the channel and its key
 *       deleted: the others close theirs rather than wait out their own open time and probe again.</li>
 *   <li>Redis is never on a request's path: announcements are sent after the fact and not awaited. While
 *       Redis is unreachable each instance's breakers work alone (logged once); when it answers again
 *       the subscription comes back by itself, announces what this instance still has open, and reads
 *       what the others have.</li>
 *   <li>Messages are untrusted input: anything but a well-formed message about a deployment configured
 *       here is ignored, and an announced wait is capped to this instance's {@code open_for}.</li>
 * </ul>
 */
public final class RedisBreakerChannel implements DeploymentHealthRegistry.Peers, AutoCloseable {
    static final String CHANNEL = "bastion:breakers";
    static final String KEY_PREFIX = "bastion:breaker:";
    /** Larger than any message Bastion sends; a larger one is not even parsed. */
    private static final int MAX_MESSAGE_BYTES = 1024;
    private static final long RETRY_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(RedisBreakerChannel.class);

    private final Vertx vertx;
    private final Redis redis;
    private final DeploymentHealthRegistry registry;
    /** This process, so that it ignores its own messages and keys. */
    private final String node = UUID.randomUUID().toString();
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final AtomicBoolean resubscribing = new AtomicBoolean();
    private final AtomicLong lastIgnoredLog = new AtomicLong();
    private volatile RedisConnection subscription;
    private volatile boolean closed;

    public RedisBreakerChannel(Vertx vertx, Redis redis, DeploymentHealthRegistry registry) {
        this.vertx = vertx;
        this.redis = redis;
        this.registry = registry;
    }

    /** Subscribes. The future completes once Redis confirms, or fails if it is unreachable or refuses now (it keeps trying). */
    public Future<Void> start() {
        return subscribe();
    }

    private Future<Void> subscribe() {
        return redis.connect().compose(conn -> {
            subscription = conn;
            conn.exceptionHandler(this::reportUnreachable);
            return PubSub.subscribe(conn, CHANNEL, this::message, v -> {
                if (subscription != conn) return; // an earlier connection, already replaced or closed here
                reportUnreachable(null);
                resubscribeLater();
            }).onFailure(t -> {
                subscription = null; // closed here: its end is no outage of its own, the failure below is reported
                conn.close();
            });
        }).onSuccess(v -> {
            reachable();
            catchUp();
        }).onFailure(t -> {
            reportUnreachable(t);
            resubscribeLater();
        });
    }

    /** One retry at a time, however many ways the last attempt reported its failure. */
    private void resubscribeLater() {
        if (closed || !resubscribing.compareAndSet(false, true)) return;
        vertx.setTimer(RETRY_MILLIS, t -> {
            resubscribing.set(false);
            if (!closed) subscribe();
        });
    }

    /** After (re)subscribing: what was missed while not subscribed, both ways. */
    private void catchUp() {
        for (DeploymentHealth h : registry.all()) {
            long remaining = h.remainingLocalOpenMillis();
            if (remaining > 0) announceOpen(h.id(), remaining);
            else joined(h.id());
        }
    }

    // ---- announcing this instance's changes

    @Override
    public void opened(String id, long openForMillis) {
        announceOpen(id, openForMillis);
    }

    private void announceOpen(String id, long forMillis) {
        if (closed) return;
        String message = new JsonObject().put("deployment", id).put("state", "open").put("open_for_ms", forMillis).put("node", node).encode();
        redis.batch(List.of(Request.cmd(Command.SET).arg(KEY_PREFIX + id).arg(node).arg("PX").arg(Math.max(1, forMillis)),
                        Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(message)))
                .onSuccess(v -> reachable())
                .onFailure(t -> {
                    reportUnreachable(t);
                    // Try again while it is still open here: the others learn it late rather than never.
                    vertx.setTimer(RETRY_MILLIS, x -> {
                        long remaining = registry.knows(id) ? registry.of(id).remainingLocalOpenMillis() : 0;
                        if (remaining > 0) announceOpen(id, remaining);
                    });
                });
    }

    @Override
    public void closed(String id) {
        if (closed) return;
        String message = new JsonObject().put("deployment", id).put("state", "closed").put("node", node).encode();
        // Not tried again if Redis is down: the others then close by their own probes, as without Redis.
        redis.batch(List.of(Request.cmd(Command.DEL).arg(KEY_PREFIX + id), Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(message)))
                .onFailure(this::reportUnreachable);
    }

    /** A breaker new here: opens it if another instance's key says it is open now. */
    @Override
    public void joined(String id) {
        if (closed) return;
        String key = KEY_PREFIX + id;
        redis.batch(List.of(Request.cmd(Command.GET).arg(key), Request.cmd(Command.PTTL).arg(key))).onSuccess(r -> {
            Response owner = r.get(0), ttl = r.get(1);
            if (owner == null || ttl == null || node.equals(owner.toString())) return;
            Long remaining = ttl.toLong();
            if (remaining != null && remaining > 0) registry.openedElsewhere(id, remaining);
        }).onFailure(this::reportUnreachable);
    }

    // ---- the others' changes

    private void message(Response payload) {
        Buffer raw = payload.toBuffer();
        if (raw == null || raw.length() > MAX_MESSAGE_BYTES) {
            ignored();
            return;
        }
        try {
            JsonObject m = new JsonObject(raw);
            if (!(m.getValue("deployment") instanceof String id) || !(m.getValue("node") instanceof String from)) {
                ignored();
                return;
            }
            if (from.equals(node)) return; // our own echo
            if (!registry.knows(id)) return; // a deployment this instance does not have (another config, or made up)
            switch (m.getValue("state") instanceof String s ? s : "") {
                case "open" -> {
                    if (m.getValue("open_for_ms") instanceof Number n && n.longValue() > 0) registry.openedElsewhere(id, n.longValue());
                    else ignored();
                }
                case "closed" -> registry.closedElsewhere(id);
                default -> ignored();
            }
        } catch (RuntimeException e) {
            ignored();
        }
    }

    /** Logged at most once a minute: whoever can publish on the channel must not be able to fill the log. */
    private void ignored() {
        long now = System.currentTimeMillis(), last = lastIgnoredLog.get();
        if (now - last > 60_000 && lastIgnoredLog.compareAndSet(last, now)) log.warn("breaker sharing: ignored a malformed message on {}", CHANNEL);
    }

    private void reachable() {
        if (unreachable.compareAndSet(true, false)) log.info("breaker sharing: Redis answers again; breakers are shared again");
    }

    /** Logged once per outage or refusal (a refusal's code or a failure's class: no message, so no secret). */
    private void reportUnreachable(Throwable t) {
        if (closed || !unreachable.compareAndSet(false, true)) return;
        log.warn("breaker sharing: Redis {}; each instance's breakers work on their own until it is back", PubSub.problem(t));
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = subscription;
        if (c != null) c.close(); // the client itself belongs to whoever made it
    }
}
