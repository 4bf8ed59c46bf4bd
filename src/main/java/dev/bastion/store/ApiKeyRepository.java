package dev.bastion.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** API keys. Lookups are by hash (authentication) or by public id (operations). */
public final class ApiKeyRepository {
    private static final String COLUMNS = "id, org_id, name, key_hash, scopes, created_at, expires_at, revoked_at";

    private final DataSource ds;

    ApiKeyRepository(DataSource ds) {
        this.ds = ds;
    }

    public void insert(ApiKeyRecord k) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, k.id());
            ps.setString(2, k.orgId());
            ps.setString(3, k.name());
            ps.setString(4, k.keyHash());
            ps.setString(5, String.join(" ", new java.util.TreeSet<>(k.scopes())));
            ps.setLong(6, k.createdAt().toEpochMilli());
            setInstant(ps, 7, k.expiresAt());
            setInstant(ps, 8, k.revokedAt());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("api_keys: insert failed", e);
        }
    }

    /** The key whose hash this is, revoked and expired ones included (the caller decides what they mean). */
    public Optional<ApiKeyRecord> findByHash(String keyHash) {
        return one("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?", keyHash);
    }

    public Optional<ApiKeyRecord> findById(String id) {
        return one("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", id);
    }

    /** Keys of one org, or of all orgs when {@code orgId} is null, newest first. */
    public List<ApiKeyRecord> list(String orgId) {
        String sql = "SELECT " + COLUMNS + " FROM api_keys" + (orgId == null ? "" : " WHERE org_id = ?") + " ORDER BY created_at DESC, id";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (orgId != null) ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                List<ApiKeyRecord> out = new ArrayList<>();
                while (rs.next()) out.add(read(rs));
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("api_keys: list failed", e);
        }
    }

    /** Marks the key revoked; returns false when there is no such key or it was already revoked. */
    public boolean revoke(String id, Instant at) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("api_keys: revoke failed", e);
        }
    }

    private Optional<ApiKeyRecord> one(String sql, String arg) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("api_keys: lookup failed", e);
        }
    }

    private static ApiKeyRecord read(ResultSet rs) throws SQLException {
        String scopes = rs.getString(5);
        return new ApiKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                scopes.isEmpty() ? java.util.Set.of() : new LinkedHashSet<>(Arrays.asList(scopes.split(" "))),
                Instant.ofEpochMilli(rs.getLong(6)), instant(rs, 7), instant(rs, 8));
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setInstant(PreparedStatement ps, int col, Instant v) throws SQLException {
        if (v == null) ps.setNull(col, Types.BIGINT);
        else ps.setLong(col, v.toEpochMilli());
    }
}
