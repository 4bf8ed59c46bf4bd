package dev.bastion.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The deletes of retention (docs/data-protection.md, "Retention"), table by table, each in bounded batches so no
 * statement holds its locks for long; and the lock that lets one node at a time run them on a shared PostgreSQL.
 * The audit trail's prefix delete is {@link AuditRepository#deleteCovered}, not here.
 */
public final class RetentionRepository {
    /** A table retention removes rows from, and which rows are due, given a cutoff (epoch ms). */
    public enum Table {
        /** Usage records last written before the cutoff. */
        USAGE("llm_usage", "rule_id, subject, period_start", "updated_at < ?"),
        /**
         * Users last seen before the cutoff, except those a user revocation names: a revoked user forgotten and
         * provisioned again at the next sign-in would get a new id, which the revocation does not name.
         */
        USERS_INACTIVE("users", "id", "last_seen < ? AND id NOT IN (SELECT subject FROM revocations WHERE kind = 'user')");

        final String table;
        final String key;
        final String due;

        Table(String table, String key, String due) {
            this.table = table;
            this.key = key;
            this.due = due;
        }
    }

    private final DataSource ds;
    private final boolean sqlite;

    RetentionRepository(DataSource ds, boolean sqlite) {
        this.ds = ds;
        this.sqlite = sqlite;
    }

    /** How many rows of {@code t} are due at {@code cutoff}. */
    public long countDue(Table t, long cutoff) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + t.table + " WHERE " + t.due)) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException(t.table + ": retention count failed", e);
        }
    }

    /** The keys of at most {@code limit} rows of {@code t} due at {@code cutoff} (a table with a one-column key). */
    public java.util.List<String> dueKeys(Table t, long cutoff, int limit) {
        if (t.key.contains(",")) throw new IllegalArgumentException(t.table + ": a composite key");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + t.key + " FROM " + t.table + " WHERE " + t.due + " LIMIT ?")) {
            ps.setLong(1, cutoff);
            ps.setInt(2, limit);
            java.util.List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(t.table + ": retention select failed", e);
        }
    }

    /** Deletes at most {@code limit} rows of {@code t} due at {@code cutoff}, in one statement; returns how many. */
    public int deleteDue(Table t, long cutoff, int limit) {
        String sql = "DELETE FROM " + t.table + " WHERE (" + t.key + ") IN (SELECT " + t.key + " FROM " + t.table + " WHERE " + t.due + " LIMIT ?)";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, cutoff);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(t.table + ": retention delete failed", e);
        }
    }

    /**
     * Runs {@code work} unless another node holds the retention lock; empty when it does. On PostgreSQL the lock
     * is a session advisory lock held on a connection of its own for the whole run (released if this process
     * dies, as its session ends). SQLite is one node's file: the work just runs (two processes on one file — the
     * gateway and {@code bastion data purge} — delete the same rows at worst, and each delete is idempotent).
     */
    public <T> Optional<T> exclusively(Supplier<T> work) {
        if (sqlite) return Optional.ofNullable(work.get());
        try (Connection c = ds.getConnection()) {
            boolean got;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext('bastion.retention'))"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                got = rs.getBoolean(1);
            }
            if (!got) return Optional.empty();
            try {
                return Optional.ofNullable(work.get());
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(hashtext('bastion.retention'))")) {
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("retention: lock failed", e);
        }
    }
}
