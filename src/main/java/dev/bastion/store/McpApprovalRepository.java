package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * MCP calls held for approval (V27). A request leaves {@code pending} by one conditional update — a decision on any
 * node, or the holding node's timeout or withdrawal — so exactly one of them wins, once across nodes.
 */
public final class McpApprovalRepository {
    private static final String COLUMNS = "id, node, route_id, tool, org_id, caller, arguments, created_at, expires_at, state, decided_by";
    private final Jdbc jdbc;

    McpApprovalRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(McpApprovalRequest r) {
        jdbc.update("mcp_approvals: insert", "INSERT INTO mcp_approvals (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, r.id());
            ps.setString(2, r.node());
            ps.setString(3, r.routeId());
            ps.setString(4, r.tool());
            ps.setString(5, r.orgId());
            ps.setString(6, r.caller());
            ps.setString(7, r.arguments());
            ps.setLong(8, r.createdAt().toEpochMilli());
            ps.setLong(9, r.expiresAt().toEpochMilli());
            ps.setString(10, r.state());
            ps.setString(11, r.decidedBy());
        });
    }

    public Optional<McpApprovalRequest> find(String id) {
        return jdbc.one("mcp_approvals: find", "SELECT " + COLUMNS + " FROM mcp_approvals WHERE id = ?", ps -> ps.setString(1, id), McpApprovalRepository::read);
    }

    /** The calls of {@code org} still waiting at {@code now}, oldest first. */
    public List<McpApprovalRequest> pending(String org, Instant now) {
        return jdbc.list("mcp_approvals: pending", "SELECT " + COLUMNS + " FROM mcp_approvals WHERE org_id = ? AND state = 'pending' AND expires_at > ? "
                + "ORDER BY created_at, id", ps -> {
            ps.setString(1, org);
            ps.setLong(2, now.toEpochMilli());
        }, McpApprovalRepository::read);
    }

    /**
     * An operator's decision: moves a request of {@code org} still waiting at {@code now} to {@code state}; false when
     * it is not (decided already, timed out, withdrawn, or another org's).
     */
    public boolean decide(String id, String org, String state, String by, Instant now) {
        return jdbc.update("mcp_approvals: decide", "UPDATE mcp_approvals SET state = ?, decided_by = ?, decided_at = ? "
                + "WHERE id = ? AND org_id = ? AND state = 'pending' AND expires_at > ?", ps -> {
            ps.setString(1, state);
            ps.setString(2, by);
            ps.setLong(3, now.toEpochMilli());
            ps.setString(4, id);
            ps.setString(5, org);
            ps.setLong(6, now.toEpochMilli());
        }) == 1;
    }

    /** The holding node's end of a waiting request ({@code timed_out}, {@code withdrawn}); false when a decision came first. */
    public boolean close(String id, String state, Instant now) {
        return jdbc.update("mcp_approvals: close", "UPDATE mcp_approvals SET state = ?, decided_at = ? WHERE id = ? AND state = 'pending'", ps -> {
            ps.setString(1, state);
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, id);
        }) == 1;
    }

    /** Settled requests older than {@code before}: kept a while for {@code 409}s and the audit's context, then gone. */
    public int purge(Instant before) {
        return jdbc.update("mcp_approvals: purge", "DELETE FROM mcp_approvals WHERE state <> 'pending' AND expires_at < ?",
                ps -> ps.setLong(1, before.toEpochMilli()));
    }

    private static McpApprovalRequest read(ResultSet rs) throws SQLException {
        return new McpApprovalRequest(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9)), rs.getString(10), rs.getString(11));
    }
}
