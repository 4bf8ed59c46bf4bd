package dev.bastion.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Orgs (tenants). */
public final class OrgRepository {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final DataSource ds;
    private final Clock clock;

    OrgRepository(DataSource ds, Clock clock) {
        this.ds = ds;
        this.clock = clock;
    }

    public static void requireValidId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("org id: '" + id + "' (expected: lower-case letters, digits, _ and -; up to 63)");
        }
    }

    public Optional<Org> find(String id) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, created_at FROM orgs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Org(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("orgs: lookup failed", e);
        }
    }

    /** Creates the org when it does not exist yet; returns true when it was created by this call. */
    public boolean ensure(String id) {
        requireValidId(id);
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO orgs (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, id);
            ps.setLong(2, clock.millis());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("orgs: create failed", e);
        }
    }

    public List<Org> list() {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, created_at FROM orgs ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            List<Org> out = new ArrayList<>();
            while (rs.next()) out.add(new Org(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
            return out;
        } catch (SQLException e) {
            throw new StoreException("orgs: list failed", e);
        }
    }
}
