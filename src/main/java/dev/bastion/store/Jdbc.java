package dev.bastion.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The few JDBC shapes the repositories need, with {@link StoreException} for every failure. */
final class Jdbc {
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource ds;

    Jdbc(DataSource ds) {
        this.ds = ds;
    }

    <T> List<T> list(String what, String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(mapper.map(rs));
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed", e);
        }
    }

    <T> Optional<T> one(String what, String sql, Binder binder, Mapper<T> mapper) {
        List<T> rows = list(what, sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String what, String sql, Binder binder) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(what + " failed", e);
        }
    }

    static Instant instant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static void setInstant(PreparedStatement ps, int col, Instant v) throws SQLException {
        if (v == null) ps.setNull(col, Types.BIGINT);
        else ps.setLong(col, v.toEpochMilli());
    }

    static java.util.Set<String> words(String spaceSeparated) {
        return spaceSeparated == null || spaceSeparated.isEmpty() ? java.util.Set.of()
                : new java.util.LinkedHashSet<>(java.util.Arrays.asList(spaceSeparated.split(" ")));
    }

    static String words(java.util.Set<String> values) {
        return String.join(" ", new java.util.TreeSet<>(values));
    }
}
