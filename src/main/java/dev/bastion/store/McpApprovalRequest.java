package dev.bastion.store;

import java.time.Instant;

/**
 * One MCP tool call held for a human (docs/mcp.md#human-approval), as every node sees it.
 *
 * @param node      the node holding the call (only it can resume it)
 * @param arguments a JSON object of each argument's name with its type and size — never a value
 * @param state     {@code pending}, {@code approved}, {@code denied}, {@code timed_out} or {@code withdrawn}
 * @param decidedBy who approved or denied; null otherwise
 */
public record McpApprovalRequest(String id, String node, String routeId, String tool, String orgId, String caller, String arguments,
                                 Instant createdAt, Instant expiresAt, String state, String decidedBy) {
    public static final String PENDING = "pending";

    public boolean pending() {
        return PENDING.equals(state);
    }
}
