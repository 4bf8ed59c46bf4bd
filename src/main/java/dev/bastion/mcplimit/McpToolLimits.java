package dev.bastion.mcplimit;

import dev.bastion.chain.Identity;
import dev.bastion.config.McpConfig;
import dev.bastion.limit.ToolCallLimits;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpDecision;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpMessage;
import dev.bastion.mcp.McpPolicy;
import io.vertx.core.Future;
import java.util.Map;

/**
 * A route's {@code mcp.limits}: rate limits and quotas per caller and tool. A call over any of them is refused with 429
 * {@code mcp_tool_rate_limited} and {@code Retry-After} (a JSON-RPC error an MCP client reads), and reaches no server;
 * with the shared limiter's backend down and {@code on_backend_failure: deny}, 503 {@code rate_limit_unavailable}.
 * Only tool calls are counted: lists, reads and prompts are not tool traffic.
 */
public final class McpToolLimits implements McpPolicy {
    private final String routeId;
    private final java.util.List<McpConfig.ToolLimit> limits;
    private final ToolCallLimits counters;

    public McpToolLimits(String routeId, java.util.List<McpConfig.ToolLimit> limits, ToolCallLimits counters) {
        this.routeId = routeId;
        this.limits = java.util.List.copyOf(limits);
        this.counters = counters;
    }

    @Override
    public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call) {
        if (item.kind() != McpItem.Kind.TOOL) return McpDecision.ALLOWED;
        return counters.take(routeId, limits, item.exposed(), caller).map(o -> {
            if (o.allowed()) return new McpDecision.Allow();
            call.note("mcp_limited", o.limited());
            if (o.unavailable()) {
                return new McpDecision.Refuse(503, "rate_limit_unavailable", "Tool limits cannot be checked right now; retry shortly.",
                        Map.of("Retry-After", "1"));
            }
            return new McpDecision.Refuse(429, "mcp_tool_rate_limited", "Too many calls of this tool; retry after " + o.retryAfterSecs() + "s.",
                    Map.of("Retry-After", Long.toString(o.retryAfterSecs())));
        });
    }
}
