package dev.bastion.mcpguard;

import dev.bastion.chain.Identity;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpItem;
import dev.bastion.observe.AuditLog;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the MCP guardrails' decisions go: the call's access line, and the audit trail for a refusal. Never content. */
record GuardEvents(String routeId, AuditLog audit) {
    /** Notes the decision on the access line under {@code field}, and audits it as {@code mcp.guard} when it refused. */
    void record(McpCall call, Identity caller, McpItem item, String field, Map<String, Object> decision, boolean refused) {
        call.note(field, decision);
        if (!refused) return;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("request_id", call.requestId());
        event.put("route", routeId);
        event.put("org", caller == null ? null : caller.orgId());
        event.put("tool", item.exposed());
        event.put("part", field.equals("mcp_arguments") ? "arguments" : "result");
        event.putAll(decision);
        audit.event("mcp.guard", event);
    }
}
