package dev.bastion.store;

import java.time.Instant;

/**
 * One MCP tool's pin on one route (docs/mcp.md#pinning-tool-definitions).
 *
 * @param routeId           the MCP route
 * @param tool              {@code server__tool}: the server's name and the server's own tool name
 * @param pinnedFp          the approved fingerprint ({@code sha256:…}); null while none was ever approved
 * @param pinnedDescFp      the approved definition's description fingerprint (for rename drift); null without one
 * @param pendingFp         a definition seen that differs from the pin (or a first-seen one under {@code approve}),
 *                          waiting for an operator; null when there is none
 * @param pendingDescFp     its description fingerprint
 * @param pendingReason     why it waits: {@code new}, {@code changed} or {@code renamed}
 * @param pendingFrom       for a rename, the pinned tool whose description it carries
 * @param pendingDefinition its canonical JSON, for the operator to review (descriptions are not secrets)
 * @param pendingSince      when it was first seen
 * @param rejectedFp        the last fingerprint an operator rejected: seen again, it stays quarantined quietly
 * @param decidedBy         who approved or rejected last ({@code trust_first} for a pin taken on first sight)
 * @param updatedAt         when the row last changed
 */
public record McpPin(String routeId, String tool, String pinnedFp, String pinnedDescFp, String pendingFp, String pendingDescFp,
                     String pendingReason, String pendingFrom, String pendingDefinition, Instant pendingSince, String rejectedFp,
                     String decidedBy, Instant updatedAt) {}
