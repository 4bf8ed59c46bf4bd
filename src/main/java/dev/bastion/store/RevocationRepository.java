package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Revocations. Nodes poll {@link #since} to learn new ones; expired token revocations are pruned. */
public final class RevocationRepository {
    private static final String COLUMNS = "id, kind, subject, org_id, created_at, expires_at";
    private final Jdbc jdbc;

    RevocationRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Revocation r) {
        jdbc.update("revocations: insert", "INSERT INTO revocations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, r.id());
            ps.setString(2, r.kind().wire());
            ps.setString(3, r.subject());
            ps.setString(4, r.orgId());
            ps.setLong(5, r.createdAt().toEpochMilli());
            Jdbc.setInstant(ps, 6, r.expiresAt());
        });
    }

    /** Unexpired revocations created at or after {@code from}. */
    public List<Revocation> since(Instant from, Instant now) {
        return jdbc.list("revocations: poll", "SELECT " + COLUMNS + " FROM revocations WHERE created_at >= ? AND (expires_at IS NULL OR expires_at > ?)", ps -> {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
        }, RevocationRepository::read);
    }

    public int pruneExpired(Instant now) {
        return jdbc.update("revocations: prune", "DELETE FROM revocations WHERE expires_at IS NOT NULL AND expires_at <= ?", ps -> ps.setLong(1, now.toEpochMilli()));
    }

    private static Revocation read(ResultSet rs) throws SQLException {
        return new Revocation(rs.getString(1), Revocation.Kind.fromWire(rs.getString(2)), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)), Jdbc.instant(rs, 6));
    }
}
