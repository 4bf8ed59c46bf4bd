package dev.bastion.mcpguard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Identity;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.detect.Finding;
import dev.bastion.guard.Guard;
import dev.bastion.guard.Inspection;
import dev.bastion.llm.PromptText;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpErrors;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpPolicy;
import dev.bastion.mcp.McpProtocol;
import dev.bastion.observe.AuditLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * A tool's results (and a prompt's, a resource's contents) through secrets, PII and the indirect-injection detector,
 * each message as soon as it is whole — the JSON answer, or each event of a stream. The result is third-party text an
 * agent will read and act on: a secret or PII the policy's {@code output} blocks, or an injection score over
 * {@code injection.tool_results}' block threshold, withholds it — the client gets a JSON-RPC error with the same id
 * ({@code -32000}, {@code data.code} {@code secret_in_result} / {@code pii_in_result} / {@code prompt_injection_in_result})
 * and never the content. Entities the policy redacts are replaced by {@code [TYPE]}. Decisions go on the access line
 * ({@code mcp_result}: action, types, counts, the score) and a withheld result in the audit trail.
 */
public final class McpResultGuard implements McpPolicy {
    private final BiFunction<String, Identity, Guard> guards;
    private final String policy;
    private final GuardEvents events;

    public McpResultGuard(String routeId, String policy, BiFunction<String, Identity, Guard> guards, AuditLog audit) {
        this.policy = policy;
        this.guards = guards;
        this.events = new GuardEvents(routeId, audit);
    }

    @Override
    public ResultInspector results(Identity caller, McpItem item, McpCall call) {
        Guard guard = guards.apply(policy, caller);
        if (guard == null) return null;
        return message -> inspect(guard, caller, item, call, message);
    }

    private JsonNode inspect(Guard guard, Identity caller, McpItem item, McpCall call, JsonNode message) {
        // A server's error is inspected like a result: its message and data reach the agent just the same.
        String field = message.has("result") ? "result" : message.has("error") ? "error" : null;
        JsonNode result = field == null ? null : message.get(field);
        if (result == null || !result.isObject()) return message; // notifications (progress, logs) are not inspected
        List<PromptText.Segment> segments = JsonTexts.of(result, "", PromptText.Part.TOOL_RESULT);
        if (segments.isEmpty()) return message;
        Action action = Action.ALLOW;
        Map<String, Integer> counts = new TreeMap<>();
        String reason = null;
        List<Inspection.Found> redactions = new ArrayList<>(0);
        double score = 0;
        Action injected = Action.ALLOW;
        for (PromptText.Segment seg : segments) {
            for (Guard.OutputFinding f : guard.inspectOutput(seg.text())) {
                counts.merge(f.finding().type(), 1, Integer::sum);
                if (f.action().strength() > action.strength()) action = f.action();
                if (f.action() == Action.BLOCK && (reason == null || f.finding().category() == Finding.Category.SECRET)) {
                    reason = f.finding().category() == Finding.Category.SECRET ? "secret_in_result" : "pii_in_result";
                }
                if (f.action() == Action.REDACT) redactions.add(new Inspection.Found(seg, f.finding(), Action.REDACT));
            }
            Guard.AnswerInjection inj = guard.inspectToolResult(seg.text());
            if (inj.verdict().score() > score) score = inj.verdict().score();
            if (inj.action().strength() > injected.strength()) injected = inj.action();
        }
        // An injection the thresholds do not merely flag withholds the result: there is no part of it to cut out safely.
        if (injected.strength() > Action.FLAG.strength() && reason == null) reason = "prompt_injection_in_result";
        if (injected.strength() > action.strength()) action = injected.strength() > Action.FLAG.strength() ? Action.BLOCK : injected;
        if (reason != null) action = Action.BLOCK;
        if (action == Action.ALLOW) return message;
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("action", action.name().toLowerCase(Locale.ROOT));
        decision.put("entities", counts);
        if (injected != Action.ALLOW) decision.put("injection_score", Math.round(score * 1000) / 1000.0);
        if (reason != null) decision.put("reason", reason);
        events.record(call, caller, item, "mcp_result", decision, reason != null);
        if (reason != null) {
            return withheld(message.get("id"), reason, call.requestId());
        }
        if (redactions.isEmpty()) return message;
        ObjectNode copy = message.deepCopy();
        JsonTexts.redact(copy.get(field), segments, redactions);
        return copy;
    }

    private static ObjectNode withheld(JsonNode id, String reason, String requestId) {
        String text = switch (reason) {
            case "secret_in_result" -> "The tool's result contained a credential; it was withheld.";
            case "pii_in_result" -> "The tool's result contained personal data this route does not pass on; it was withheld.";
            default -> "The tool's result contained instructions aimed at the agent (prompt injection); it was withheld.";
        };
        ObjectNode error = McpErrors.rpc(id, McpProtocol.SERVER_ERROR, text);
        ((ObjectNode) error.get("error")).putObject("data").put("code", reason).put("request_id", requestId);
        return error;
    }
}
