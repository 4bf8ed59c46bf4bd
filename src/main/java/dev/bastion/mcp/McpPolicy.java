package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Identity;
import io.vertx.core.Future;
import java.util.Set;

/**
 * Decides, per tool, resource and prompt, what a caller sees and may call, and sees what comes back. The gateway
 * asks it for every list entry ({@link #visible}), before every call ({@link #scopes}, {@link #decide}) and for every
 * result message ({@link #results}) — the whole JSON answer, or each event of a stream as it arrives. A policy must
 * give {@link #visible} and {@link #decide} the same answer for one caller and item: a list shows exactly what the
 * caller may call. Policies that judge an item by who calls it and what it is implement {@link #refusal} alone: lists
 * ask it with each entry's definition, calls before they are decided and, for a tool, again with its current
 * definition just before the call is sent — one function, so "listed" and "callable" cannot drift apart.
 * {@link #OPEN} (every item, every call, results untouched) is what a route without per-item rules has.
 */
public interface McpPolicy {
    McpPolicy OPEN = new McpPolicy() {};

    /** Whether {@code caller} sees {@code item} in a list; the item carries its list entry. */
    default boolean visible(Identity caller, McpItem item) {
        return refusal(caller, item) == null;
    }

    /**
     * Why {@code caller} may not use {@code item} as it is defined, or null when it may. Asked with the list entry
     * ({@link #visible}), without a definition before a call ({@link #decide}) and with a tool's current definition
     * just before its call is sent — so a definition that changed since the caller listed it is judged as it is now.
     */
    default McpDecision.Refuse refusal(Identity caller, McpItem item) {
        return null;
    }

    /** Scopes a call of {@code item} needs beyond the route's own; a caller missing any gets one 403 naming them all. */
    default Set<String> scopes(McpItem item) {
        return Set.of();
    }

    /** Whether {@code caller} may make this call; a failed future is a fault (503), never an allow. */
    default Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message) {
        McpDecision.Refuse r = refusal(caller, item);
        return r == null ? McpDecision.ALLOWED : Future.succeededFuture(r);
    }

    /**
     * {@link #decide(Identity, McpItem, McpMessage)} with the call at hand, which the gateway asks: a policy that
     * records its decision on the access line or in the audit trail, or rewrites {@code params.arguments} of the message
     * in place (redaction: the servers get the message as the policies left it), overrides this one.
     */
    default Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call) {
        return decide(caller, item, message);
    }

    /** What each result message of this call passes through, or null to relay results untouched. */
    default ResultInspector results(Identity caller, McpItem item) {
        return null;
    }

    /** {@link #results(Identity, McpItem)} with the call at hand, which the gateway asks. */
    default ResultInspector results(Identity caller, McpItem item, McpCall call) {
        return results(caller, item);
    }

    /** Sees one JSON-RPC message a server sent for a call (a whole answer, or one stream event's data). */
    @FunctionalInterface
    interface ResultInspector {
        /** The message to send in its place: the same node to let it pass, another (a JSON-RPC error) to replace it. */
        JsonNode inspect(JsonNode message);
    }
}
