package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Machine clients: by id for the token endpoint, org-scoped for everything else. */
public final class ClientRepository {
    private static final String COLUMNS = "id, org_id, name, secret_hash, scopes, token_ttl_seconds, created_at, disabled_at";
    private final Jdbc jdbc;

    ClientRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(Client c) {
        jdbc.update("clients: insert", "INSERT INTO clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, c.id());
            ps.setString(2, c.orgId());
            ps.setString(3, c.name());
            ps.setString(4, c.secretHash());
            ps.setString(5, Jdbc.words(c.scopes()));
            if (c.tokenTtl() == null) ps.setNull(6, Types.BIGINT);
            else ps.setLong(6, c.tokenTtl().toSeconds());
            ps.setLong(7, c.createdAt().toEpochMilli());
            Jdbc.setInstant(ps, 8, c.disabledAt());
        });
    }

    /** The token endpoint's lookup: the client id is presented together with its secret. */
    public Optional<Client> findById(String id) {
        return jdbc.one("clients: lookup", "SELECT " + COLUMNS + " FROM clients WHERE id = ?", ps -> ps.setString(1, id), ClientRepository::read);
    }

    /** Tenant lookup: empty when the client belongs to another org. */
    public Optional<Client> findById(String orgId, String id) {
        return jdbc.one("clients: lookup", "SELECT " + COLUMNS + " FROM clients WHERE org_id = ? AND id = ?", ps -> {
            ps.setString(1, orgId);
            ps.setString(2, id);
        }, ClientRepository::read);
    }

    public List<Client> list(String orgId) {
        return jdbc.list("clients: list", "SELECT " + COLUMNS + " FROM clients" + (orgId == null ? "" : " WHERE org_id = ?") + " ORDER BY created_at DESC, id",
                ps -> {
                    if (orgId != null) ps.setString(1, orgId);
                }, ClientRepository::read);
    }

    /** False when there is no such client (in that org, when given) or it was already disabled. */
    public boolean disable(String orgId, String id, Instant at) {
        String sql = "UPDATE clients SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL" + (orgId == null ? "" : " AND org_id = ?");
        return jdbc.update("clients: disable", sql, ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, id);
            if (orgId != null) ps.setString(3, orgId);
        }) == 1;
    }

    private static Client read(ResultSet rs) throws SQLException {
        long ttl = rs.getLong(6);
        Duration tokenTtl = rs.wasNull() ? null : Duration.ofSeconds(ttl);
        return new Client(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Jdbc.words(rs.getString(5)), tokenTtl,
                Instant.ofEpochMilli(rs.getLong(7)), Jdbc.instant(rs, 8));
    }
}
