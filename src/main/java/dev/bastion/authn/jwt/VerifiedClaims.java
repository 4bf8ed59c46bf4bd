package dev.bastion.authn.jwt;

import java.time.Instant;
import java.util.Set;

/**
 * What a verified IdP token says, mapped through the issuer's claim configuration.
 *
 * @param org   the org claim (or the issuer's default org); may be null, which the caller refuses
 * @param roles reader / writer / admin values of the role claim; others dropped
 * @param bindable the token's claims a tenant binding may compare with ({@link dev.bastion.chain.Identity#bindableClaims})
 * @param machine  the issuer's {@code machine} rule marks the token as a machine's (client credentials)
 */
public record VerifiedClaims(String issuerName, String issuer, String subject, String org, Set<String> roles, Set<String> scopes,
                             String jti, Instant expiresAt, boolean autoCreateOrg, java.util.Map<String, Set<String>> bindable, boolean machine) {
    public VerifiedClaims(String issuerName, String issuer, String subject, String org, Set<String> roles, Set<String> scopes,
                          String jti, Instant expiresAt, boolean autoCreateOrg) {
        this(issuerName, issuer, subject, org, roles, scopes, jti, expiresAt, autoCreateOrg, java.util.Map.of(), false);
    }
}
