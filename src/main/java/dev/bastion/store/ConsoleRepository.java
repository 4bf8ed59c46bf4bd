package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Console sessions and bootstrap tokens (V30), by hash only. */
public final class ConsoleRepository {
    private static final String COLUMNS = "id_hash, org_id, user_id, subject, role, method, created_at, last_seen";
    private final Jdbc jdbc;

    ConsoleRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(ConsoleSession s) {
        jdbc.update("console_sessions: create", "INSERT INTO console_sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, s.idHash());
            ps.setString(2, s.orgId());
            ps.setString(3, s.userId());
            ps.setString(4, s.subject());
            ps.setString(5, s.role());
            ps.setString(6, s.method());
            ps.setLong(7, s.createdAt().toEpochMilli());
            ps.setLong(8, s.lastSeen().toEpochMilli());
        });
    }

    public Optional<ConsoleSession> find(String idHash) {
        return jdbc.one("console_sessions: find", "SELECT " + COLUMNS + " FROM console_sessions WHERE id_hash = ?", ps -> ps.setString(1, idHash),
                ConsoleRepository::read);
    }

    /** Moves the idle clock; a no-op for a session another request just deleted. */
    public void touch(String idHash, Instant at) {
        jdbc.update("console_sessions: touch", "UPDATE console_sessions SET last_seen = ? WHERE id_hash = ?", ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, idHash);
        });
    }

    /** @return whether a session was deleted */
    public boolean delete(String idHash) {
        return jdbc.update("console_sessions: delete", "DELETE FROM console_sessions WHERE id_hash = ?", ps -> ps.setString(1, idHash)) == 1;
    }

    /** Deletes every session past its age or idle limit, and used or expired bootstrap tokens. */
    public void deleteExpired(Instant createdBefore, Instant seenBefore, Instant now) {
        jdbc.update("console_sessions: expire", "DELETE FROM console_sessions WHERE created_at < ? OR last_seen < ?", ps -> {
            ps.setLong(1, createdBefore.toEpochMilli());
            ps.setLong(2, seenBefore.toEpochMilli());
        });
        jdbc.update("console_bootstrap: expire", "DELETE FROM console_bootstrap WHERE expires_at < ?", ps -> ps.setLong(1, now.toEpochMilli()));
    }

    public void insertBootstrap(String tokenHash, String orgId, Instant createdAt, Instant expiresAt) {
        jdbc.update("console_bootstrap: create", "INSERT INTO console_bootstrap (token_hash, org_id, created_at, expires_at) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, tokenHash);
            ps.setString(2, orgId);
            ps.setLong(3, createdAt.toEpochMilli());
            ps.setLong(4, expiresAt.toEpochMilli());
        });
    }

    /**
     * Uses a bootstrap token: one conditional update, so of two nodes (or two tabs) presenting it at once exactly one
     * wins. Empty when it is unknown, expired or already used.
     *
     * @return the org the token was made for
     */
    public Optional<String> useBootstrap(String tokenHash, Instant now) {
        int used = jdbc.update("console_bootstrap: use", "UPDATE console_bootstrap SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?", ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, tokenHash);
            ps.setLong(3, now.toEpochMilli());
        });
        if (used != 1) return Optional.empty();
        return jdbc.one("console_bootstrap: org", "SELECT org_id FROM console_bootstrap WHERE token_hash = ?", ps -> ps.setString(1, tokenHash), rs -> rs.getString(1));
    }

    public void insertLogin(String stateHash, String browserHash, Instant expiresAt, Instant now) {
        // Logins begun and never finished are swept here, so a flood of started logins does not pile up.
        jdbc.update("console_logins: expire", "DELETE FROM console_logins WHERE expires_at <= ?", ps -> ps.setLong(1, now.toEpochMilli()));
        jdbc.update("console_logins: create", "INSERT INTO console_logins (state_hash, browser_hash, expires_at) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, stateHash);
            ps.setString(2, browserHash);
            ps.setLong(3, expiresAt.toEpochMilli());
        });
    }

    /**
     * Takes a login in progress: found and deleted in one step (the delete decides, so a state is used once across
     * nodes). Empty when unknown, already used, or expired.
     *
     * @return the hash of the pre-login cookie the state was bound to
     */
    public Optional<String> takeLogin(String stateHash, Instant now) {
        Optional<String[]> row = jdbc.one("console_logins: find", "SELECT browser_hash, expires_at FROM console_logins WHERE state_hash = ?",
                ps -> ps.setString(1, stateHash), rs -> new String[] {rs.getString(1), Long.toString(rs.getLong(2))});
        if (row.isEmpty()) return Optional.empty();
        boolean taken = jdbc.update("console_logins: take", "DELETE FROM console_logins WHERE state_hash = ?", ps -> ps.setString(1, stateHash)) == 1;
        jdbc.update("console_logins: expire", "DELETE FROM console_logins WHERE expires_at <= ?", ps -> ps.setLong(1, now.toEpochMilli()));
        return taken && Long.parseLong(row.get()[1]) > now.toEpochMilli() ? Optional.of(row.get()[0]) : Optional.empty();
    }

    private static ConsoleSession read(ResultSet rs) throws SQLException {
        return new ConsoleSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)));
    }
}
