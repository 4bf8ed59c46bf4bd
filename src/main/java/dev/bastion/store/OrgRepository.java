package dev.bastion.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Orgs (tenants). */
public final class OrgRepository {
    /** Case-sensitive, like the ids identity providers issue (Clerk and Auth0 use mixed-case {@code org_…}). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    private final Jdbc jdbc;
    private final Clock clock;

    OrgRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public static void requireValidId(String id) {
        if (!isValidId(id)) throw new IllegalArgumentException("org id: '" + id + "' (expected: letters, digits, _ and -; up to 63; case-sensitive)");
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public Optional<Org> find(String id) {
        return jdbc.one("orgs: lookup", "SELECT id, created_at, tier FROM orgs WHERE id = ?", ps -> ps.setString(1, id), OrgRepository::read);
    }

    /** Creates the org when it does not exist yet; returns true when it was created by this call. */
    public boolean ensure(String id) {
        requireValidId(id);
        return jdbc.update("orgs: create", "INSERT INTO orgs (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", ps -> {
            ps.setString(1, id);
            ps.setLong(2, clock.millis());
        }) == 1;
    }

    /** The org's tier, if one is assigned. */
    public Optional<String> tierOf(String id) {
        return jdbc.one("orgs: tier", "SELECT tier FROM orgs WHERE id = ?", ps -> ps.setString(1, id), rs -> Optional.ofNullable(rs.getString(1)))
                .flatMap(t -> t);
    }

    /** Assigns a tier (null removes it); false when there is no such org. */
    public boolean setTier(String id, String tier) {
        return jdbc.update("orgs: set tier", "UPDATE orgs SET tier = ? WHERE id = ?", ps -> {
            ps.setString(1, tier);
            ps.setString(2, id);
        }) == 1;
    }

    public List<Org> list() {
        return jdbc.list("orgs: list", "SELECT id, created_at, tier FROM orgs ORDER BY id", ps -> {}, OrgRepository::read);
    }

    private static Org read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Org(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3));
    }
}
