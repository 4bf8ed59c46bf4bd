package dev.bastion.mcpguard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Identity;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Finding;
import dev.bastion.guard.Guard;
import dev.bastion.guard.Inspection;
import dev.bastion.llm.PromptText;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpDecision;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpMessage;
import dev.bastion.mcp.McpPolicy;
import dev.bastion.observe.AuditLog;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * A tool call's arguments through the route's guardrail policy, as a prompt would go: an entity the policy blocks
 * refuses the call (400 {@code secret_detected} / {@code pii_detected}, naming the types, never the values); one it
 * redacts is replaced by {@code [TYPE]} in the arguments the server gets (pseudonymize too: nothing is put back into a
 * tool's result). Every decision but a plain pass goes on the access line as {@code mcp_arguments} (action, types and
 * counts); a refusal is also audited ({@code mcp.guard}).
 */
public final class McpArgumentGuard implements McpPolicy {
    private static final String BASE = "/params/arguments";
    private final BiFunction<String, Identity, Guard> guards;
    private final String policy;
    private final GuardEvents events;

    /** @param guards the guard of a policy name for a caller (its org's own policy wins) */
    public McpArgumentGuard(String routeId, String policy, BiFunction<String, Identity, Guard> guards, AuditLog audit) {
        this.policy = policy;
        this.guards = guards;
        this.events = new GuardEvents(routeId, audit);
    }

    @Override
    public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call) {
        if (item.kind() != McpItem.Kind.TOOL && item.kind() != McpItem.Kind.PROMPT) return McpDecision.ALLOWED;
        JsonNode args = message.body().at(BASE);
        if (args.isMissingNode() || args.isNull()) return McpDecision.ALLOWED;
        Guard guard = guards.apply(policy, caller);
        if (guard == null) return McpDecision.ALLOWED;
        List<PromptText.Segment> segments = JsonTexts.of(args, BASE, PromptText.Part.PROMPT);
        List<Inspection.Found> found = guard.findings(segments);
        if (found.isEmpty()) return McpDecision.ALLOWED;
        Action action = Action.ALLOW;
        Map<String, Integer> counts = new TreeMap<>();
        Set<String> blockedSecrets = new TreeSet<>(), blockedPii = new TreeSet<>();
        for (Inspection.Found f : found) {
            if (f.action().strength() > action.strength()) action = f.action();
            counts.merge(f.finding().type(), 1, Integer::sum);
            if (f.action() == Action.BLOCK) (f.finding().category() == Finding.Category.SECRET ? blockedSecrets : blockedPii).add(f.finding().type());
        }
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("action", action == Action.PSEUDONYMIZE ? "redact" : action.name().toLowerCase(java.util.Locale.ROOT));
        decision.put("entities", counts);
        events.record(call, caller, item, "mcp_arguments", decision, action == Action.BLOCK);
        if (action == Action.BLOCK) {
            return Future.succeededFuture(blockedSecrets.isEmpty()
                    ? new McpDecision.Refuse(400, "pii_detected", "The tool call's arguments contain personal data this route does not accept ("
                            + String.join(", ", blockedPii) + "); the call was not sent.")
                    : new McpDecision.Refuse(400, "secret_detected", "The tool call's arguments contain a credential ("
                            + String.join(", ", blockedSecrets) + "); the call was not sent. Remove it and retry."));
        }
        JsonTexts.redact(message.body(), segments, found);
        return McpDecision.ALLOWED;
    }
}
