package dev.bastion.mcp;

import dev.bastion.store.McpPin;
import dev.bastion.store.McpPinRepository;
import java.time.Instant;

/**
 * An operator's decision on a held tool definition — the one rule the admin API and {@code bastion mcp approve|reject}
 * share: only a pending definition can be decided, and only the fingerprint the operator reviewed (given, or the one
 * shown), so a definition that changed again after the review is not approved by accident. A tool pinned in config
 * is the config's: changing it there is the way.
 */
public final class PinReview {
    private PinReview() {}

    /** What came of it. */
    public enum Outcome {
        /** Done: the pin is the reviewed definition (approve), or the definition stays out (reject). */
        DONE,
        /** The route has no such tool row. */
        UNKNOWN,
        /** Nothing is waiting for review on that tool. */
        NOTHING_PENDING,
        /** What is pending is not the fingerprint the operator named (it changed again): review it anew. */
        CHANGED,
        /** The tool's pin is declared in the config; approving it in the store would change nothing. */
        DECLARED
    }

    /** The outcome, and the fingerprint decided (or the one pending now, for {@link Outcome#CHANGED}). */
    public record Result(Outcome outcome, String fingerprint, McpPin before) {}

    /**
     * @param fingerprint the reviewed fingerprint; null: the one pending now (as the operator was just shown it)
     * @param declared    whether the route's config declares this tool's pin
     */
    public static Result decide(McpPinRepository pins, String routeId, String tool, String fingerprint, boolean approve, boolean declared,
                                String by, Instant now) {
        McpPin pin = pins.find(routeId, tool).orElse(null);
        if (pin == null) return new Result(Outcome.UNKNOWN, null, null);
        if (approve && declared) return new Result(Outcome.DECLARED, pin.pendingFp(), pin);
        if (pin.pendingFp() == null) return new Result(Outcome.NOTHING_PENDING, null, pin);
        String fp = fingerprint != null ? fingerprint : pin.pendingFp();
        if (!fp.equals(pin.pendingFp())) return new Result(Outcome.CHANGED, pin.pendingFp(), pin);
        boolean done = approve ? pins.approve(routeId, tool, fp, by, now) : pins.reject(routeId, tool, fp, by, now);
        // lost a race with a newer hold of another definition: what is pending now is not what was reviewed
        return done ? new Result(Outcome.DONE, fp, pin) : new Result(Outcome.CHANGED, pins.find(routeId, tool).map(McpPin::pendingFp).orElse(null), pin);
    }

    /** The audit event's fields for a decision (fingerprints and names; the definition is in the store). */
    public static java.util.Map<String, Object> fields(String routeId, String tool, Result r, String via) {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("route", routeId);
        f.put("tool", tool);
        f.put("fingerprint", r.fingerprint());
        if (r.before() != null && r.before().pinnedFp() != null) f.put("old_fingerprint", r.before().pinnedFp());
        if (r.before() != null && r.before().pendingReason() != null) f.put("reason", r.before().pendingReason());
        f.put("via", via);
        return f;
    }
}
