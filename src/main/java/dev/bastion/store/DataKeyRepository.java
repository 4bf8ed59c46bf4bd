package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The wrapped data keys (D1). Nothing here sees a key unwrapped. */
public final class DataKeyRepository {
    private static final String COLUMNS = "scope, version, state, kek_id, wrapped_key, created_at, retired_at, destroyed_at";
    private final Jdbc jdbc;

    DataKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Every version of a scope, newest first. */
    public List<DataKeyRecord> versions(String scope) {
        return jdbc.list("data_keys: list", "SELECT " + COLUMNS + " FROM data_keys WHERE scope = ? ORDER BY version DESC",
                ps -> ps.setString(1, scope), DataKeyRepository::read);
    }

    /** Not-destroyed keys wrapped by another KEK than {@code kekId}, at most {@code limit}: what {@code rotate-kek} has left to do. */
    public List<DataKeyRecord> wrappedByOther(String kekId, int limit) {
        return jdbc.list("data_keys: list", "SELECT " + COLUMNS + " FROM data_keys WHERE kek_id <> ? AND state <> 'destroyed' ORDER BY scope, version LIMIT ?",
                ps -> {
                    ps.setString(1, kekId);
                    ps.setInt(2, limit);
                }, DataKeyRepository::read);
    }

    /** Inserts a new version; false when that version already exists (another node made it first). */
    public boolean insert(DataKeyRecord k) {
        return jdbc.update("data_keys: insert", "INSERT INTO data_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, version) DO NOTHING",
                ps -> {
                    ps.setString(1, k.scope());
                    ps.setInt(2, k.version());
                    ps.setString(3, k.state());
                    ps.setString(4, k.kekId());
                    ps.setString(5, k.wrappedKey());
                    ps.setLong(6, k.createdAt().toEpochMilli());
                    Jdbc.setInstant(ps, 7, k.retiredAt());
                    Jdbc.setInstant(ps, 8, k.destroyedAt());
                }) == 1;
    }

    /** Retires the scope's active versions older than {@code version}: they open, but no longer seal. */
    public int retireBefore(String scope, int version, Instant at) {
        return jdbc.update("data_keys: retire", "UPDATE data_keys SET state = 'retired', retired_at = ? WHERE scope = ? AND version < ? AND state = 'active'", ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, scope);
            ps.setInt(3, version);
        });
    }

    /**
     * Replaces one version's wrapping, only if it is still wrapped by {@code fromKek} and not destroyed: two
     * rotations running at once, or one resumed, never overwrite each other's work or revive a destroyed key.
     */
    public boolean rewrap(String scope, int version, String fromKek, String toKek, String wrappedKey) {
        return jdbc.update("data_keys: rewrap", "UPDATE data_keys SET kek_id = ?, wrapped_key = ? WHERE scope = ? AND version = ? AND kek_id = ? AND state <> 'destroyed'",
                ps -> {
                    ps.setString(1, toKek);
                    ps.setString(2, wrappedKey);
                    ps.setString(3, scope);
                    ps.setInt(4, version);
                    ps.setString(5, fromKek);
                }) == 1;
    }

    /** Destroys every version of a scope: the wrapped keys are overwritten with NULL. Returns how many were destroyed now. */
    public int destroy(String scope, Instant at) {
        return jdbc.update("data_keys: destroy", "UPDATE data_keys SET state = 'destroyed', wrapped_key = NULL, destroyed_at = ? WHERE scope = ? AND state <> 'destroyed'",
                ps -> {
                    ps.setLong(1, at.toEpochMilli());
                    ps.setString(2, scope);
                });
    }

    private static DataKeyRecord read(ResultSet rs) throws SQLException {
        return new DataKeyRecord(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)),
                Jdbc.instant(rs, 7), Jdbc.instant(rs, 8));
    }
}
