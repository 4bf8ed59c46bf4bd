package dev.bastion.chain;

import java.util.Set;

/**
 * Who is calling, as established by an authenticator. Scopes and roles here come only from the
 * credential Bastion verified, never from request headers.
 *
 * @param subject        stable id of the caller (for an API key, its key id)
 * @param orgId          the tenant the caller acts for; never null
 * @param scopes         what the caller may do
 * @param credentialType how it was verified ({@code api_key})
 * @param credentialId   public id of the credential, safe to log (never the secret)
 */
public record Identity(String subject, String orgId, Set<String> scopes, String credentialType, String credentialId) {
    public Identity {
        java.util.Objects.requireNonNull(subject, "subject");
        java.util.Objects.requireNonNull(orgId, "orgId");
        scopes = Set.copyOf(scopes);
    }
}
