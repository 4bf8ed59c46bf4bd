package dev.bastion.approval;

import dev.bastion.observe.AuditLog;
import dev.bastion.store.McpApprovalRepository;
import dev.bastion.store.McpApprovalRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls waiting for a human. A held call is a promise on the node that got it, completed once on the event loop
 * that holds it, so the call resumes where it was; no thread waits. Its request is a row in the store, so any node
 * lists and decides it: a decision is a conditional update there (once across nodes), which the holding node learns
 * from a Redis message when there is Redis, else by polling its held calls' rows every {@code poll_interval}.
 */
public final class Approvals {
    private static final Logger log = LoggerFactory.getLogger(Approvals.class);
    /** Settled requests are kept this long (a late decision gets 409, not 404), then deleted. */
    static final Duration KEEP_SETTLED = Duration.ofDays(1);

    /** How a held call ended. */
    public enum Outcome {
        APPROVED, DENIED, TIMED_OUT, WITHDRAWN;

        String state() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Outcome of(String state) {
            return valueOf(state.toUpperCase(Locale.ROOT));
        }
    }

    /** A call being held: its approval id, and how it will end. */
    public record Hold(String id, Future<Outcome> outcome) {}

    /**
     * One call waiting for a decision, as an operator sees it.
     *
     * @param arguments each argument's name with its JSON type and size (characters of a string, entries of a list or
     *                  object): enough to judge the call's shape, never its values
     */
    public record Pending(String id, String route, String tool, String org, String caller, Instant asked, Instant expires,
                          Map<String, String> arguments) {}

    /** What became of an operator's decision. */
    public sealed interface Decision {
        record Taken(Pending request) implements Decision {}

        /** The call is in the caller's org but no longer waiting: decided already, timed out or withdrawn. */
        record Settled(String state) implements Decision {}

        /** No call by that id in the caller's org. */
        record Unknown() implements Decision {}
    }

    /** @param stored the request's insert: the call's own end (timeout, withdrawal) is written after it, never before */
    private record Held(Pending request, Promise<Outcome> promise, Context context, long timeout, long poll, Future<Void> stored) {}

    private final Vertx vertx;
    private final AuditLog audit;
    private final Clock clock;
    private final McpApprovalRepository store;
    private final Executor storeExecutor;
    private final String node;
    private final ApprovalChannel channel;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final long purgeTimer;

    /** @param channel tells other nodes of a decision at once; null without Redis (they poll) */
    public Approvals(Vertx vertx, AuditLog audit, Clock clock, McpApprovalRepository store, Executor storeExecutor, String node, ApprovalChannel channel) {
        this.vertx = vertx;
        this.audit = audit;
        this.clock = clock;
        this.store = store;
        this.storeExecutor = storeExecutor;
        this.node = node;
        this.channel = channel;
        if (channel != null) channel.onDecision(this::decided);
        this.purgeTimer = vertx.setPeriodic(Duration.ofHours(1).toMillis(),
                t -> blocking(() -> store.purge(clock.instant().minus(KEEP_SETTLED))).onFailure(e -> log.warn("approval purge failed: {}", e.toString())));
    }

    /**
     * Holds a call until it is decided, on any node, or {@code timeout} passes; null when this node already holds
     * {@code max} calls of the route (the caller is refused rather than queued without bound).
     */
    public Hold hold(String route, String tool, String org, String caller, Map<String, String> arguments, Duration timeout, Duration poll, int max,
                     String requestId) {
        if (held.values().stream().filter(h -> h.request().route().equals(route)).count() >= max) return null;
        Instant now = clock.instant();
        // in the order the call gave them (Map.copyOf would not keep it)
        Pending p = new Pending(UUID.randomUUID().toString(), route, tool, org, caller, now, now.plus(timeout),
                Collections.unmodifiableMap(new LinkedHashMap<>(arguments)));
        Promise<Outcome> promise = Promise.promise();
        Context context = Vertx.currentContext();
        long timer = vertx.setTimer(timeout.toMillis(), t -> end(p.id(), Outcome.TIMED_OUT));
        long poller = vertx.setPeriodic(poll.toMillis(), t -> poll(p.id()));
        McpApprovalRequest row = new McpApprovalRequest(p.id(), node, route, tool, org, caller, new JsonObject(new LinkedHashMap<>(p.arguments())).encode(),
                now, p.expires(), McpApprovalRequest.PENDING, null);
        Future<Void> stored = blocking(() -> {
            store.insert(row);
            return null;
        });
        held.put(p.id(), new Held(p, promise, context, timer, poller, stored));
        stored.onFailure(e -> {
            // Nobody could decide a call the store does not hold: it fails closed, as a timeout.
            log.warn("approval request not stored ({}); the call is refused", e.getClass().getSimpleName());
            Held h = held.remove(p.id());
            if (h != null) resume(h, Outcome.TIMED_OUT);
        });
        Map<String, Object> event = fields(p);
        event.put("request_id", requestId);
        event.put("arguments", p.arguments());
        event.put("expires", p.expires().toString());
        audit.event("mcp.approval.requested", event);
        return new Hold(p.id(), promise.future());
    }

    /** Withdraws a call still waiting (its client left: nobody would get the answer); nothing when it ended already. */
    public void withdraw(String id) {
        end(id, Outcome.WITHDRAWN);
    }

    /** The calls waiting in {@code org}, on every node, oldest first. */
    public Future<List<Pending>> pending(String org) {
        return blocking(() -> store.pending(org, clock.instant()).stream().map(Approvals::pending).toList());
    }

    /** Decides a waiting call of {@code org}: taken once across nodes; a second decision finds it {@link Decision.Settled}. */
    public Future<Decision> decide(String id, String org, boolean approve, String decider) {
        Outcome outcome = approve ? Outcome.APPROVED : Outcome.DENIED;
        return blocking(() -> {
            boolean taken = store.decide(id, org, outcome.state(), decider, clock.instant());
            McpApprovalRequest row = store.find(id).filter(r -> r.orgId().equals(org)).orElse(null);
            if (row == null) return (Decision) new Decision.Unknown();
            return taken ? new Decision.Taken(pending(row)) : new Decision.Settled(row.pending() ? Outcome.TIMED_OUT.state() : row.state());
        }).onSuccess(d -> {
            if (!(d instanceof Decision.Taken t)) return;
            // audited here, by the node whose update won: once, even if the holding node is gone
            Map<String, Object> event = fields(t.request());
            event.put("outcome", outcome.state());
            event.put("decided_by", decider);
            audit.event(outcome == Outcome.APPROVED ? "mcp.approval.granted" : "mcp.approval.denied", event);
            decided(id, outcome);
            if (channel != null) channel.publish(id, outcome.state());
        });
    }

    /** A decision reached this node (its own, Redis's or the poll's): resumes the call if it holds it. */
    private void decided(String id, Outcome outcome) {
        Held h = held.remove(id);
        if (h != null) resume(h, outcome);
    }

    private void decided(String id, String state) {
        if (held.containsKey(id)) decided(id, Outcome.of(state));
    }

    private void poll(String id) {
        if (!held.containsKey(id)) return;
        blocking(() -> store.find(id)).onSuccess(row -> row.filter(r -> !r.pending()).ifPresent(r -> decided(id, r.state())))
                .onFailure(e -> log.warn("approval poll failed: {}", e.getClass().getSimpleName()));
    }

    /** The holding node ends a call itself (timeout, withdrawal) — unless a decision won the row first, which then stands. */
    private void end(String id, Outcome outcome) {
        Held h = held.remove(id);
        if (h == null) return; // decided, or ended, already
        h.stored().compose(v -> blocking(() -> store.close(id, outcome.state(), clock.instant()) ? outcome
                        : store.find(id).map(r -> Outcome.of(r.state())).orElse(outcome)))
                .recover(e -> {
                    log.warn("approval state not stored ({}); the call ends here", e.getClass().getSimpleName());
                    return Future.succeededFuture(outcome);
                })
                .onSuccess(o -> {
                    if (o == outcome) {
                        Map<String, Object> event = fields(h.request());
                        event.put("outcome", outcome.state());
                        audit.event("mcp.approval." + outcome.state(), event);
                    }
                    resume(h, o);
                });
    }

    private void resume(Held h, Outcome outcome) {
        vertx.cancelTimer(h.timeout());
        vertx.cancelTimer(h.poll());
        if (h.context() == null) h.promise().tryComplete(outcome);
        else h.context().runOnContext(v -> h.promise().tryComplete(outcome)); // resumes the call on its own event loop
    }

    public void close() {
        vertx.cancelTimer(purgeTimer);
        if (channel != null) channel.close();
    }

    private <T> Future<T> blocking(Supplier<T> work) {
        Context ctx = Vertx.currentContext();
        CompletableFuture<T> f = CompletableFuture.supplyAsync(work, storeExecutor);
        return ctx == null ? Future.fromCompletionStage(f) : Future.fromCompletionStage(f, ctx);
    }

    private static Pending pending(McpApprovalRequest r) {
        Map<String, String> args = new LinkedHashMap<>();
        new JsonObject(r.arguments()).forEach(e -> args.put(e.getKey(), String.valueOf(e.getValue())));
        return new Pending(r.id(), r.routeId(), r.tool(), r.orgId(), r.caller(), r.createdAt(), r.expiresAt(), Collections.unmodifiableMap(args));
    }

    private static Map<String, Object> fields(Pending p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("approval", p.id());
        m.put("route", p.route());
        m.put("tool", p.tool());
        m.put("org", p.org());
        m.put("principal", p.caller());
        return m;
    }
}
