package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Automatic responses (O4). Nodes poll {@link #changedSince} to learn actions made or lifted elsewhere. */
public final class ResponseActionRepository {
    private static final String COLUMNS = "id, rule, action, subject, org_id, node, created_at, expires_at, lifted_at, lifted_by, reason";
    private final Jdbc jdbc;

    ResponseActionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(ResponseAction a) {
        jdbc.update("response_actions: insert", "INSERT INTO response_actions (" + COLUMNS + ", changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, a.id());
            ps.setString(2, a.rule());
            ps.setString(3, a.action());
            ps.setString(4, a.subject());
            ps.setString(5, a.orgId());
            ps.setString(6, a.node());
            ps.setLong(7, a.createdAt().toEpochMilli());
            ps.setLong(8, a.expiresAt().toEpochMilli());
            Jdbc.setInstant(ps, 9, a.liftedAt());
            ps.setString(10, a.liftedBy());
            ps.setString(11, a.reason());
            ps.setLong(12, a.createdAt().toEpochMilli());
        });
    }

    /** Actions in force at {@code now}, oldest first. */
    public List<ResponseAction> active(Instant now) {
        return jdbc.list("response_actions: active", "SELECT " + COLUMNS + " FROM response_actions WHERE lifted_at IS NULL AND expires_at > ? ORDER BY created_at",
                ps -> ps.setLong(1, now.toEpochMilli()), ResponseActionRepository::read);
    }

    /** Actions made or lifted at or after {@code from}. */
    public List<ResponseAction> changedSince(Instant from) {
        return jdbc.list("response_actions: poll", "SELECT " + COLUMNS + " FROM response_actions WHERE changed_at >= ?",
                ps -> ps.setLong(1, from.toEpochMilli()), ResponseActionRepository::read);
    }

    /** Actions past their expiry that nobody has marked yet (each is marked by whichever node gets to it: {@link #lift}). */
    public List<ResponseAction> expiredUnmarked(Instant now) {
        return jdbc.list("response_actions: expired", "SELECT " + COLUMNS + " FROM response_actions WHERE lifted_at IS NULL AND expires_at <= ? LIMIT 500",
                ps -> ps.setLong(1, now.toEpochMilli()), ResponseActionRepository::read);
    }

    public java.util.Optional<ResponseAction> find(String id) {
        return jdbc.one("response_actions: find", "SELECT " + COLUMNS + " FROM response_actions WHERE id = ?", ps -> ps.setString(1, id),
                ResponseActionRepository::read);
    }

    /**
     * Marks an action lifted, once: true for the one caller that did it (so exactly one audit event says so,
     * however many nodes or operators try at the same time).
     */
    public boolean lift(String id, String by, Instant now) {
        return jdbc.update("response_actions: lift", "UPDATE response_actions SET lifted_at = ?, lifted_by = ?, changed_at = ? WHERE id = ? AND lifted_at IS NULL", ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, by);
            ps.setLong(3, now.toEpochMilli());
            ps.setString(4, id);
        }) == 1;
    }

    private static ResponseAction read(ResultSet rs) throws SQLException {
        return new ResponseAction(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)), Jdbc.instant(rs, 9), rs.getString(10), rs.getString(11));
    }
}
