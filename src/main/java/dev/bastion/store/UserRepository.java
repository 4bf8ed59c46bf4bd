package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Users, found by their provider identity (authentication) or, scoped to an org, by id. */
public final class UserRepository {
    private static final String COLUMNS = "id, org_id, issuer, external_id, role, first_seen, last_seen";
    private final Jdbc jdbc;

    UserRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<User> findByExternal(String issuer, String externalId) {
        return jdbc.one("users: lookup", "SELECT " + COLUMNS + " FROM users WHERE issuer = ? AND external_id = ?", ps -> {
            ps.setString(1, issuer);
            ps.setString(2, externalId);
        }, UserRepository::read);
    }

    /** Tenant lookup: empty when the user belongs to another org. */
    public Optional<User> findById(String orgId, String id) {
        return jdbc.one("users: lookup", "SELECT " + COLUMNS + " FROM users WHERE org_id = ? AND id = ?", ps -> {
            ps.setString(1, orgId);
            ps.setString(2, id);
        }, UserRepository::read);
    }

    /** Operator lookup across orgs (CLI). */
    public Optional<User> findById(String id) {
        return jdbc.one("users: lookup", "SELECT " + COLUMNS + " FROM users WHERE id = ?", ps -> ps.setString(1, id), UserRepository::read);
    }

    /** Inserts the user unless one with the same provider identity exists; either way returns the stored user. */
    public User insertIfAbsent(User u) {
        jdbc.update("users: create", "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, external_id) DO NOTHING", ps -> {
            ps.setString(1, u.id());
            ps.setString(2, u.orgId());
            ps.setString(3, u.issuer());
            ps.setString(4, u.externalId());
            ps.setString(5, u.role());
            ps.setLong(6, u.firstSeen().toEpochMilli());
            ps.setLong(7, u.lastSeen().toEpochMilli());
        });
        return findByExternal(u.issuer(), u.externalId()).orElseThrow(() -> new StoreException("users: created user vanished"));
    }

    /** Records that the user was seen again (and its current role and org, which the provider may change). */
    public void seen(String id, String orgId, String role, Instant at) {
        jdbc.update("users: update", "UPDATE users SET last_seen = ?, role = ?, org_id = ? WHERE id = ?", ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, role);
            ps.setString(3, orgId);
            ps.setString(4, id);
        });
    }

    public List<User> list(String orgId) {
        return jdbc.list("users: list", "SELECT " + COLUMNS + " FROM users" + (orgId == null ? "" : " WHERE org_id = ?") + " ORDER BY first_seen DESC",
                ps -> {
                    if (orgId != null) ps.setString(1, orgId);
                }, UserRepository::read);
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
    }
}
