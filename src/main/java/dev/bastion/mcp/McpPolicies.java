package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Identity;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Several policies as one, asked in order: an item is visible when every policy shows it, a call needs every
 * policy's scopes, the first policy that does not allow a call decides it (later ones are not asked: a call the
 * ACL refuses never waits for a human), and each result passes every inspector in turn until one replaces it.
 */
public final class McpPolicies implements McpPolicy {
    private final List<McpPolicy> policies;

    private McpPolicies(List<McpPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    /** The policies in the order they are asked; none: {@link McpPolicy#OPEN}. */
    public static McpPolicy of(List<McpPolicy> policies) {
        if (policies.isEmpty()) return OPEN;
        if (policies.size() == 1) return policies.getFirst();
        return new McpPolicies(policies);
    }

    @Override
    public boolean visible(Identity caller, McpItem item) {
        for (McpPolicy p : policies) {
            if (!p.visible(caller, item)) return false;
        }
        return true;
    }

    /** The first policy's refusal; one that only hides the item (a {@link #visible} of its own) refuses it too. */
    @Override
    public McpDecision.Refuse refusal(Identity caller, McpItem item) {
        for (McpPolicy p : policies) {
            McpDecision.Refuse r = p.refusal(caller, item);
            if (r != null) return r;
            if (!p.visible(caller, item)) return McpDecision.HIDDEN;
        }
        return null;
    }

    @Override
    public Set<String> scopes(McpItem item) {
        Set<String> all = new LinkedHashSet<>();
        for (McpPolicy p : policies) all.addAll(p.scopes(item));
        return all;
    }

    @Override
    public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message) {
        return decide(caller, item, message, McpCall.NONE);
    }

    @Override
    public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call) {
        return decide(caller, item, message, call, 0);
    }

    private Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call, int i) {
        if (i == policies.size()) return McpDecision.ALLOWED;
        return policies.get(i).decide(caller, item, message, call)
                .compose(d -> d instanceof McpDecision.Allow ? decide(caller, item, message, call, i + 1) : Future.succeededFuture(d));
    }

    @Override
    public ResultInspector results(Identity caller, McpItem item) {
        return results(caller, item, McpCall.NONE);
    }

    @Override
    public ResultInspector results(Identity caller, McpItem item, McpCall call) {
        List<ResultInspector> inspectors = new ArrayList<>();
        for (McpPolicy p : policies) {
            ResultInspector r = p.results(caller, item, call);
            if (r != null) inspectors.add(r);
        }
        if (inspectors.isEmpty()) return null;
        if (inspectors.size() == 1) return inspectors.getFirst();
        return message -> {
            JsonNode current = message;
            for (ResultInspector r : inspectors) {
                JsonNode next = r.inspect(current);
                if (next != current) return next; // replaced (an error): the rest would inspect the error, not the result
                current = next;
            }
            return current;
        };
    }
}
