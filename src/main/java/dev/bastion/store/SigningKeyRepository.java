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

    /** Retires every current key except {@code keep}: they stop signing now and leave the JWKS at {@code expiresAt}. */
    public int retireAllExcept(String keep, Instant now, Instant expiresAt) {
        return jdbc.update("signing_keys: retire", "UPDATE signing_keys SET retired_at = ?, expires_at = ? WHERE retired_at IS NULL AND kid <> ?", ps -> {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, expiresAt.toEpochMilli());
            ps.setString(3, keep);
        });
    }

    private static SigningKeyRecord read(ResultSet rs) throws SQLException {
        return new SigningKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                Jdbc.instant(rs, 6), Jdbc.instant(rs, 7));
    }
}
