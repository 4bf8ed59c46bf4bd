package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * API keys. Authentication looks keys up by hash (possession of the key is the proof); every other
 * lookup is scoped to an org: a key of another org is "not found", whoever asks.
 */
public final class ApiKeyRepository {
    private static final String COLUMNS = "id, org_id, name, key_hash, scopes, created_at, expires_at, revoked_at";

    private final Jdbc jdbc;

    ApiKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(ApiKeyRecord k) {
        jdbc.update("api_keys: insert", "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, k.id());
            ps.setString(2, k.orgId());
            ps.setString(3, k.name());
            ps.setString(4, k.keyHash());
            ps.setString(5, Jdbc.words(k.scopes()));
            ps.setLong(6, k.createdAt().toEpochMilli());
            Jdbc.setInstant(ps, 7, k.expiresAt());
            Jdbc.setInstant(ps, 8, k.revokedAt());
        });
    }

    /** The key whose hash this is, revoked and expired ones included (the caller decides what they mean). */
    public Optional<ApiKeyRecord> findByHash(String keyHash) {
        return jdbc.one("api_keys: lookup", "SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?", ps -> ps.setString(1, keyHash), ApiKeyRepository::read);
    }

    /** Operator lookup across orgs (CLI). */
    public Optional<ApiKeyRecord> findById(String id) {
        return jdbc.one("api_keys: lookup", "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", ps -> ps.setString(1, id), ApiKeyRepository::read);
    }

    /** Tenant lookup: empty when the key belongs to another org. */
    public Optional<ApiKeyRecord> findById(String orgId, String id) {
        return jdbc.one("api_keys: lookup", "SELECT " + COLUMNS + " FROM api_keys WHERE org_id = ? AND id = ?",
                ps -> {
                    ps.setString(1, orgId);
                    ps.setString(2, id);
                }, ApiKeyRepository::read);
    }

    /** Keys of one org, or of all orgs when {@code orgId} is null (operator), newest first. */
    public List<ApiKeyRecord> list(String orgId) {
        String sql = "SELECT " + COLUMNS + " FROM api_keys" + (orgId == null ? "" : " WHERE org_id = ?") + " ORDER BY created_at DESC, id";
        return jdbc.list("api_keys: list", sql, ps -> {
            if (orgId != null) ps.setString(1, orgId);
        }, ApiKeyRepository::read);
    }

    /** Marks the key revoked; false when there is no such key (in that org, when given) or it was already revoked. */
    public boolean revoke(String orgId, String id, Instant at) {
        String sql = "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL" + (orgId == null ? "" : " AND org_id = ?");
        return jdbc.update("api_keys: revoke", sql, ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, id);
            if (orgId != null) ps.setString(3, orgId);
        }) == 1;
    }

    /** The key's own tier, if one is assigned (it then wins over its org's). */
    public Optional<String> tierOf(String id) {
        return jdbc.one("api_keys: tier", "SELECT tier FROM api_keys WHERE id = ?", ps -> ps.setString(1, id), rs -> Optional.ofNullable(rs.getString(1)))
                .flatMap(t -> t);
    }

    /** Assigns a tier (null removes it); false when there is no such key (in that org, when given). */
    public boolean setTier(String orgId, String id, String tier) {
        String sql = "UPDATE api_keys SET tier = ? WHERE id = ?" + (orgId == null ? "" : " AND org_id = ?");
        return jdbc.update("api_keys: set tier", sql, ps -> {
            ps.setString(1, tier);
            ps.setString(2, id);
            if (orgId != null) ps.setString(3, orgId);
        }) == 1;
    }

    /** Each key's own tier, for keys that have one: of one org, or of every org when {@code orgId} is null. */
    public java.util.Map<String, String> tiers(String orgId) {
        String sql = "SELECT id, tier FROM api_keys WHERE tier IS NOT NULL" + (orgId == null ? "" : " AND org_id = ?");
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (java.util.Map.Entry<String, String> e : jdbc.list("api_keys: tiers", sql, ps -> {
            if (orgId != null) ps.setString(1, orgId);
        }, rs -> java.util.Map.entry(rs.getString(1), rs.getString(2)))) out.put(e.getKey(), e.getValue());
        return out;
    }

    /** Sets or removes (null) the key's expiry; false when there is no such key in that org. */
    public boolean setExpiry(String orgId, String id, Instant expiresAt) {
        return jdbc.update("api_keys: set expiry", "UPDATE api_keys SET expires_at = ? WHERE id = ? AND org_id = ?", ps -> {
            Jdbc.setInstant(ps, 1, expiresAt);
            ps.setString(2, id);
            ps.setString(3, orgId);
        }) == 1;
    }

    private static ApiKeyRecord read(ResultSet rs) throws SQLException {
        return new ApiKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Jdbc.words(rs.getString(5)),
                Instant.ofEpochMilli(rs.getLong(6)), Jdbc.instant(rs, 7), Jdbc.instant(rs, 8));
    }
}
