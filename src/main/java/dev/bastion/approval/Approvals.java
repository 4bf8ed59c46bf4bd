package dev.bastion.approval;

import dev.bastion.observe.AuditLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls waiting for a human on this node. A held call is a promise completed once — by a decision or by its
 * timeout, whichever comes first — on the event loop that holds it, so the call resumes where it was; no thread waits.
 * Node-local: an operator decides on the node that holds the call (docs/mcp.md, "Human approval").
 */
public final class Approvals {
    /** How a held call ended. */
    public enum Outcome { APPROVED, DENIED, TIMED_OUT, WITHDRAWN }

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

    private record Held(Pending request, Promise<Outcome> promise, Context context, long timer) {}

    private final Vertx vertx;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public Approvals(Vertx vertx, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Holds a call until it is decided or {@code timeout} passes; null when the route already holds {@code max} calls
     * (the caller is refused rather than queued without bound).
     */
    public Hold hold(String route, String tool, String org, String caller, Map<String, String> arguments, Duration timeout, int max,
                                String requestId) {
        if (held.values().stream().filter(h -> h.request().route().equals(route)).count() >= max) return null;
        Instant now = clock.instant();
        // in the order the call gave them (Map.copyOf would not keep it)
        Pending p = new Pending(UUID.randomUUID().toString(), route, tool, org, caller, now, now.plus(timeout),
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments)));
        Promise<Outcome> promise = Promise.promise();
        Context context = Vertx.currentContext();
        long timer = vertx.setTimer(timeout.toMillis(), t -> finish(p.id(), Outcome.TIMED_OUT, null));
        held.put(p.id(), new Held(p, promise, context, timer));
        Map<String, Object> event = fields(p);
        event.put("request_id", requestId);
        event.put("arguments", p.arguments());
        event.put("expires", p.expires().toString());
        audit.event("mcp.approval.requested", event);
        return new Hold(p.id(), promise.future());
    }

    /** Withdraws a call still waiting (its client left: nobody would get the answer); false when it was decided already. */
    public boolean withdraw(String id) {
        return finish(id, Outcome.WITHDRAWN, null);
    }

    /** The calls waiting in {@code org}, oldest first. */
    public List<Pending> pending(String org) {
        List<Pending> out = new ArrayList<>();
        for (Held h : held.values()) if (h.request().org().equals(org)) out.add(h.request());
        out.sort(Comparator.comparing(Pending::asked));
        return out;
    }

    /**
     * Decides a waiting call of {@code org}. Empty when there is none by that id in that org (decided already, timed
     * out, never existed, or another org's: the same answer for each).
     */
    public Optional<Pending> decide(String id, String org, boolean approve, String decider) {
        Held h = held.get(id);
        if (h == null || !h.request().org().equals(org)) return Optional.empty();
        return finish(id, approve ? Outcome.APPROVED : Outcome.DENIED, decider) ? Optional.of(h.request()) : Optional.empty();
    }

    private boolean finish(String id, Outcome outcome, String decider) {
        Held h = held.remove(id);
        if (h == null) return false; // the other of decision and timeout came first
        vertx.cancelTimer(h.timer());
        Map<String, Object> event = fields(h.request());
        event.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
        if (decider != null) event.put("decided_by", decider);
        audit.event("mcp.approval." + switch (outcome) {
            case APPROVED -> "granted";
            case DENIED -> "denied";
            case TIMED_OUT -> "timed_out";
            case WITHDRAWN -> "withdrawn";
        }, event);
        if (h.context() == null) h.promise().tryComplete(outcome);
        else h.context().runOnContext(v -> h.promise().tryComplete(outcome)); // resumes the call on its own event loop
        return true;
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
