package dev.bastion.store;

import java.time.Instant;

/**
 * One of Bastion's signing keys as stored.
 *
 * @param privateJwkEncrypted base64 of the AEAD ciphertext of the private JWK (associated data: the kid)
 * @param retiredAt           when it stopped signing (a newer key took over); null for the current key
 * @param expiresAt           when it leaves the published JWKS (no token signed by it is valid any more)
 */
public record SigningKeyRecord(String kid, String algorithm, String publicJwk, String privateJwkEncrypted, Instant createdAt,
                               Instant retiredAt, Instant expiresAt) {
    @Override
    public String toString() {
        return "SigningKeyRecord[" + kid + ", " + algorithm + "]";
    }
}
