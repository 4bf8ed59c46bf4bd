package dev.bastion.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Bastion's signing keys (stored encrypted). */
public final class SigningKeyRepository {
    private static final String COLUMNS = "kid, algorithm, public_jwk, private_jwk_enc, created_at, retired_at, expires_at";
    private final Jdbc jdbc;

    SigningKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(SigningKeyRecord k) {
        jdbc.update("signing_keys: insert", "INSERT INTO signing_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, k.kid());
            ps.setString(2, k.algorithm());
            ps.setString(3, k.publicJwk());
            ps.setString(4, k.privateJwkEncrypted());
            ps.setLong(5, k.createdAt().toEpochMilli());
            Jdbc.setInstant(ps, 6, k.retiredAt());
            Jdbc.setInstant(ps, 7, k.expiresAt());
        });
    }

    /** Keys that are still published (not yet expired), newest first. */
    public List<SigningKeyRecord> published(Instant now) {
        return jdbc.list("signing_keys: list", "SELECT " + COLUMNS + " FROM signing_keys WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at DESC, kid",
                ps -> ps.setLong(1, now.toEpochMilli()), SigningKeyRepository::read);
    }

    /**
     * Retires the keys created before {@code createdBefore} that still sign: they stop signing now and leave
     * the JWKS at {@code expiresAt}. Only older keys, so two nodes rotating at once never retire each other's.
     */
    public int retireOlderThan(Instant createdBefore, Instant now, Instant expiresAt) {
        return jdbc.update("signing_keys: retire", "UPDATE signing_keys SET retired_at = ?, expires_at = ? WHERE retired_at IS NULL AND created_at < ?", ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, expiresAt.toEpochMilli());
            ps.setLong(3, createdBefore.toEpochMilli());
        });
    }

    /** Withdraws a key at once (a leaked key): it neither signs nor verifies any more. False when there is no such published key. */
    public boolean withdraw(String kid, Instant now) {
        return jdbc.update("signing_keys: withdraw", "UPDATE signing_keys SET retired_at = ?, expires_at = ? WHERE kid = ? AND (expires_at IS NULL OR expires_at > ?)", ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, kid);
            ps.setLong(4, now.toEpochMilli());
        }) == 1;
    }

    private static SigningKeyRecord read(ResultSet rs) throws SQLException {
        return new SigningKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                Jdbc.instant(rs, 6), Jdbc.instant(rs, 7));
    }
}
