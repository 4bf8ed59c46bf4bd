package dev.bastion.store;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key: everything but the key itself, of which only a hash is kept.
 *
 * @param id        public identifier ({@code key_…}), safe to log and show
 * @param orgId     the tenant the key acts for
 * @param name      operator's label, may be null
 * @param keyHash   SHA-256 of the key, hex
 * @param scopes    what the key may do
 * @param expiresAt null when the key does not expire
 * @param revokedAt null while the key is valid
 */
public record ApiKeyRecord(String id, String orgId, String name, String keyHash, Set<String> scopes,
                           Instant createdAt, Instant expiresAt, Instant revokedAt) {
    public ApiKeyRecord {
        scopes = Set.copyOf(scopes);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
