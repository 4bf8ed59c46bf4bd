package dev.bastion.authn;

import dev.bastion.store.ApiKeyRecord;
import dev.bastion.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Creating, listing and revoking API keys: the one service behind the CLI (and later the admin API). */
public final class ApiKeyService {
    private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private final Store store;
    private final Clock clock;

    public ApiKeyService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A key just created: the plaintext exists only in this object and is shown once. */
    public record CreatedKey(ApiKeyRecord record, String plaintext, boolean orgCreated) {
        @Override
        public String toString() {
            return "CreatedKey[" + record.id() + "]";
        }
    }

    /**
     * @param expiresIn null for a key without expiry
     * @throws IllegalArgumentException for an invalid org id, scope, name or lifetime
     */
    public CreatedKey create(String orgId, Set<String> scopes, String name, Duration expiresIn) {
        Credentials.requireValid(orgId, scopes, name);
        if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero() || expiresIn.compareTo(MAX_LIFETIME) > 0)) {
            throw new IllegalArgumentException("expires: must be between 1s and 3650d");
        }
        boolean orgCreated = store.orgs().ensure(orgId);
        Instant now = clock.instant();
        String plaintext = ApiKeys.generate();
        ApiKeyRecord record = new ApiKeyRecord(ApiKeys.newId(), orgId, name, ApiKeys.hash(plaintext),
                new LinkedHashSet<>(scopes), now, expiresIn == null ? null : now.plus(expiresIn), null);
        store.apiKeys().insert(record);
        return new CreatedKey(record, plaintext, orgCreated);
    }

    public List<ApiKeyRecord> list(String orgId) {
        return store.apiKeys().list(orgId);
    }

    /**
     * Operator revocation (any org). Returns false when no such key exists or it was already revoked.
     * Tenants revoke through {@link RevocationService} with their org.
     */
    public boolean revoke(String keyId) {
        return store.apiKeys().revoke(null, keyId, clock.instant());
    }
}
