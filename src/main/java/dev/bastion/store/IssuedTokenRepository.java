package dev.bastion.store;

import java.time.Instant;
import java.util.Optional;

/** Ids of the tokens Bastion issued, with their org, so revocation by token id can be checked against the tenant. */
public final class IssuedTokenRepository {
    /** @param subject client id or user id the token was issued to */
    public record IssuedToken(String jti, String orgId, String subject, Instant expiresAt) {}

    private final Jdbc jdbc;

    IssuedTokenRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(IssuedToken t) {
        jdbc.update("issued_tokens: insert", "INSERT INTO issued_tokens (jti, org_id, subject, expires_at) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, t.jti());
            ps.setString(2, t.orgId());
            ps.setString(3, t.subject());
            ps.setLong(4, t.expiresAt().toEpochMilli());
        });
    }

    /** Tenant lookup: empty when the token was issued to another org (or is not Bastion's). */
    public Optional<IssuedToken> find(String orgId, String jti) {
        return jdbc.one("issued_tokens: lookup", "SELECT jti, org_id, subject, expires_at FROM issued_tokens WHERE org_id = ? AND jti = ?", ps -> {
            ps.setString(1, orgId);
            ps.setString(2, jti);
        }, rs -> new IssuedToken(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
    }

    public Optional<IssuedToken> find(String jti) {
        return jdbc.one("issued_tokens: lookup", "SELECT jti, org_id, subject, expires_at FROM issued_tokens WHERE jti = ?", ps -> ps.setString(1, jti),
                rs -> new IssuedToken(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
    }

    public int pruneExpired(Instant now) {
        return jdbc.update("issued_tokens: prune", "DELETE FROM issued_tokens WHERE expires_at <= ?", ps -> ps.setLong(1, now.toEpochMilli()));
    }
}
