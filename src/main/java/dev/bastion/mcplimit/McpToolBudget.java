package dev.bastion.mcplimit;

import dev.bastion.budget.ToolCallBudgets;
import dev.bastion.chain.Identity;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpDecision;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpMessage;
import dev.bastion.mcp.McpPolicy;
import io.vertx.core.Future;
import java.util.Map;

/**
 * The {@code tool_calls} budgets of an MCP route: every tool call is counted against the caller's org, user, client or
 * key budgets for the period; a spent budget refuses the call with 429 {@code budget_exhausted} and {@code Retry-After}
 * until the period renews (a JSON-RPC error), and it reaches no server.
 */
public final class McpToolBudget implements McpPolicy {
    private final ToolCallBudgets budgets;

    public McpToolBudget(ToolCallBudgets budgets) {
        this.budgets = budgets;
    }

    @Override
    public Future<McpDecision> decide(Identity caller, McpItem item, McpMessage message, McpCall call) {
        if (item.kind() != McpItem.Kind.TOOL) return McpDecision.ALLOWED;
        return budgets.charge(caller).map(o -> {
            if (o.allowed()) return new McpDecision.Allow();
            if (o.unavailable()) {
                return new McpDecision.Refuse(503, "budget_unavailable", "Budgets cannot be checked right now; retry shortly.", Map.of("Retry-After", "1"));
            }
            call.note("mcp_budget", o.rule());
            return new McpDecision.Refuse(429, "budget_exhausted", "Budget '" + o.rule() + "' has no tool calls left this period; it renews in "
                    + o.retryAfterSecs() + "s.", Map.of("Retry-After", Long.toString(o.retryAfterSecs())));
        });
    }
}
