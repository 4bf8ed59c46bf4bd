package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * MCP tool pins (V22). Every change is a conditional update, so of several nodes that see one drift at once exactly
 * one records it (and audits it), and an approval takes effect only for the fingerprint the operator reviewed.
 */
public final class McpPinRepository {
    private static final String COLUMNS = "route_id, tool, pinned_fp, pinned_desc_fp, pending_fp, pending_desc_fp, pending_reason, pending_from, "
            + "pending_definition, pending_since, rejected_fp, decided_by, updated_at";
    private final Jdbc jdbc;

    McpPinRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Every pin, every route: a small table every node reads whole when it polls. */
    public List<McpPin> all() {
        return jdbc.list("mcp_pins: all", "SELECT " + COLUMNS + " FROM mcp_pins ORDER BY route_id, tool", ps -> {}, McpPinRepository::read);
    }

    public Optional<McpPin> find(String routeId, String tool) {
        return jdbc.one("mcp_pins: find", "SELECT " + COLUMNS + " FROM mcp_pins WHERE route_id = ? AND tool = ?", ps -> {
            ps.setString(1, routeId);
            ps.setString(2, tool);
        }, McpPinRepository::read);
    }

    /** Pins a tool seen for the first time (trust_first); false when the tool already has a row (another node was first). */
    public boolean pinFirst(String routeId, String tool, String fp, String descFp, Instant now) {
        return jdbc.update("mcp_pins: pin first", "INSERT INTO mcp_pins (route_id, tool, pinned_fp, pinned_desc_fp, decided_by, updated_at) "
                + "VALUES (?, ?, ?, ?, 'trust_first', ?) ON CONFLICT (route_id, tool) DO NOTHING", ps -> {
            ps.setString(1, routeId);
            ps.setString(2, tool);
            ps.setString(3, fp);
            ps.setString(4, descFp);
            ps.setLong(5, now.toEpochMilli());
        }) == 1;
    }

    /**
     * Records a definition waiting for review; true only for the call that recorded it (it was not already the pending
     * one, nor the rejected one), so one event is written however many nodes see it.
     */
    public boolean hold(String routeId, String tool, String fp, String descFp, String reason, String from, String definition, Instant now) {
        jdbc.update("mcp_pins: hold row", "INSERT INTO mcp_pins (route_id, tool, updated_at) VALUES (?, ?, ?) ON CONFLICT (route_id, tool) DO NOTHING", ps -> {
            ps.setString(1, routeId);
            ps.setString(2, tool);
            ps.setLong(3, now.toEpochMilli());
        });
        return jdbc.update("mcp_pins: hold", "UPDATE mcp_pins SET pending_fp = ?, pending_desc_fp = ?, pending_reason = ?, pending_from = ?, "
                + "pending_definition = ?, pending_since = ?, updated_at = ? WHERE route_id = ? AND tool = ? "
                + "AND (pending_fp IS NULL OR pending_fp <> ?) AND (rejected_fp IS NULL OR rejected_fp <> ?)", ps -> {
            ps.setString(1, fp);
            ps.setString(2, descFp);
            ps.setString(3, reason);
            ps.setString(4, from);
            ps.setString(5, definition);
            ps.setLong(6, now.toEpochMilli());
            ps.setLong(7, now.toEpochMilli());
            ps.setString(8, routeId);
            ps.setString(9, tool);
            ps.setString(10, fp);
            ps.setString(11, fp);
        }) == 1;
    }

    /** Makes the pending definition the pin — only if it is still {@code fp}, the one the operator reviewed. */
    public boolean approve(String routeId, String tool, String fp, String by, Instant now) {
        return decide("mcp_pins: approve", "pinned_fp = pending_fp, pinned_desc_fp = pending_desc_fp", routeId, tool, fp, by, now);
    }

    /** Turns the pending definition down, if it is still {@code fp}: the tool stays quarantined, and that definition is not raised again. */
    public boolean reject(String routeId, String tool, String fp, String by, Instant now) {
        return decide("mcp_pins: reject", "rejected_fp = pending_fp", routeId, tool, fp, by, now);
    }

    /** An operator's decision: {@code set} from the pending columns, which are then cleared, if the pending one is {@code fp}. */
    private boolean decide(String what, String set, String routeId, String tool, String fp, String by, Instant now) {
        return jdbc.update(what, "UPDATE mcp_pins SET " + set + ", pending_fp = NULL, pending_desc_fp = NULL, pending_reason = NULL, pending_from = NULL, "
                + "pending_definition = NULL, pending_since = NULL, decided_by = ?, updated_at = ? WHERE route_id = ? AND tool = ? AND pending_fp = ?", ps -> {
            ps.setString(1, by);
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, routeId);
            ps.setString(4, tool);
            ps.setString(5, fp);
        }) == 1;
    }

    private static McpPin read(ResultSet rs) throws SQLException {
        return new McpPin(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9), Jdbc.instant(rs, 10), rs.getString(11), rs.getString(12), Instant.ofEpochMilli(rs.getLong(13)));
    }
}
