package dev.bastion.approval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Identity;
import dev.bastion.config.McpConfig;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpDecision;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpMessage;
import dev.bastion.mcp.McpPolicy;
import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A route's {@code mcp.approval}: every call of a listed tool waits for an operator. Asked last of a route's policies,
 * so nobody is asked about a call the others refuse, and the summary is of the arguments after redaction. Approved: the
 * call goes on. Denied: 403 {@code mcp_approval_denied}; no decision in time: 403 {@code mcp_approval_timed_out};
 * too many waiting: 429 {@code mcp_approval_queue_full} — each a JSON-RPC error the client reads.
 */
public final class McpApproval implements McpPolicy {
    /** Arguments listed in a summary; a call with more says how many were left out. */
    static final int MAX_LISTED = 32;
    private final String routeId;
    private final McpConfig.Approval config;
    private final Approvals approvals;

    public McpApproval(String routeId, McpConfig.Approval config, Approvals approvals) {
        this.routeId = routeId;
        this.config = config;
        this.approvals = approvals;
    }

    @Override
    public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call) {
        if (item.kind() != McpItem.Kind.TOOL || !config.covers(item.exposed())) return McpDecision.ALLOWED;
        Approvals.Hold held = approvals.hold(routeId, item.exposed(), caller.orgId(), caller.subject(), summary(message.body().at("/params/arguments")),
                config.timeout(), config.pollInterval(), config.pending(), call.requestId());
        if (held == null) {
            call.note("mcp_approval", "queue_full");
            return Future.succeededFuture(new McpDecision.Refuse(429, "mcp_approval_queue_full",
                    "Too many calls are waiting for approval on this route; retry later.", Map.of("Retry-After", "30")));
        }
        // A client that leaves withdraws its call: no operator is asked about a call nobody waits for.
        call.onEnd(() -> approvals.withdraw(held.id()));
        return held.outcome().map(outcome -> {
            call.note("mcp_approval", outcome.name().toLowerCase(java.util.Locale.ROOT));
            return switch (outcome) {
                case APPROVED -> new McpDecision.Allow();
                case DENIED -> new McpDecision.Refuse(403, "mcp_approval_denied", "An operator denied this tool call.");
                case TIMED_OUT -> new McpDecision.Refuse(403, "mcp_approval_timed_out",
                        "This tool call needs an operator's approval, and none came within " + config.timeout().toSeconds() + "s.");
                case WITHDRAWN -> new McpDecision.Refuse(499, "client_closed", "The client left before the call was decided.");
            };
        });
    }

    /** Each argument's name with its JSON type and size; never a value. */
    static Map<String, String> summary(JsonNode args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || !args.isObject()) return out;
        int left = args.size();
        for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext() && out.size() < MAX_LISTED; left--) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String name = e.getKey().length() > 64 ? e.getKey().substring(0, 64) + "…" : e.getKey();
            out.put(name, switch (v.getNodeType()) {
                case STRING -> "string(" + v.asText().length() + ")";
                case ARRAY -> "array(" + v.size() + ")";
                case OBJECT -> "object(" + v.size() + ")";
                case NUMBER -> "number";
                case BOOLEAN -> "boolean";
                default -> "null";
            });
        }
        if (left > 0) out.put("…", left + " more");
        return out;
    }
}
