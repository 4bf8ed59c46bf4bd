package dev.bastion.mcp;

import dev.bastion.chain.Identity;
import dev.bastion.config.McpConfig;
import dev.bastion.store.McpPin;

/**
 * Tool-definition pinning (docs/mcp.md#pinning-tool-definitions): a tool whose definition is not its pin — changed
 * since it was pinned (a rug pull), new under {@code approve}, or new under a name while carrying a pinned tool's
 * description of the same server (a rename) — is quarantined: hidden from lists and refused when called ({@code tool_quarantined}), its
 * definition held for an operator, the drift audited. Judged on each definition Bastion reads from a server: every
 * list entry, and a called tool's current definition just before the call is sent ({@link McpUpstream}). Without a
 * definition (the call's decision, before it is read) it has no opinion.
 */
public final class McpPinPolicy implements McpPolicy {
    static final String QUARANTINED = "tool_quarantined";
    private static final McpDecision.Refuse REFUSED = new McpDecision.Refuse(403, QUARANTINED,
            "This tool's definition is not approved (it is new or changed); an operator must review it.");

    private final String routeId;
    private final McpConfig.Pinning pinning;
    private final McpPins pins;

    public McpPinPolicy(String routeId, McpConfig.Pinning pinning, McpPins pins) {
        if (pinning.mode() == McpConfig.PinMode.OFF) throw new IllegalArgumentException("pinning is off on route " + routeId);
        this.routeId = routeId;
        this.pinning = pinning;
        this.pins = pins;
    }

    @Override
    public McpDecision.Refuse refusal(Identity caller, McpItem item) {
        if (item.kind() != McpItem.Kind.TOOL || item.definition() == null || item.server() == null) return null;
        return admitted(item) ? null : REFUSED;
    }

    private boolean admitted(McpItem item) {
        String tool = item.server() + McpConfig.SEPARATOR + item.name();
        String fp = ToolFingerprint.of(item.name(), item.definition());
        String descFp = ToolFingerprint.description(item.definition());
        String declared = pinning.pins().get(tool);
        McpPin row = pins.get(routeId, tool);
        String pinned = declared != null ? declared : row == null ? null : row.pinnedFp();
        if (pinned != null) {
            if (pinned.equals(fp)) {
                if (declared != null) pins.declaredSeen(routeId, tool, descFp);
                return true;
            }
            hold(item, tool, fp, descFp, "changed", null, pinned);
            return false;
        }
        if (row == null && !pins.roomFor(routeId)) return false;
        String from = pins.describedAs(routeId, item.server(), descFp, tool);
        if (from != null) {
            hold(item, tool, fp, descFp, "renamed", from, null);
            return false;
        }
        // A row without a pin is a tool held or turned down before: it stays quarantined, whatever the mode.
        if (row == null && pinning.mode() == McpConfig.PinMode.TRUST_FIRST) {
            pins.pinFirst(routeId, tool, fp, descFp);
            return true;
        }
        hold(item, tool, fp, descFp, row == null || row.pendingReason() == null ? "new" : row.pendingReason(), null, null);
        return false;
    }

    private void hold(McpItem item, String tool, String fp, String descFp, String reason, String from, String pinned) {
        pins.hold(routeId, item.server(), tool, fp, descFp, reason, from, ToolFingerprint.canonical(item.name(), item.definition()), pinned);
    }
}
