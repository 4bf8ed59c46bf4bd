package dev.bastion.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A machine client of the {@code client_credentials} grant.
 *
 * @param id         public client id ({@code cli_…})
 * @param secretHash SHA-256 of the secret, hex; the secret itself is never stored
 * @param tokenTtl   lifetime of its access tokens; null means the configured default
 * @param disabledAt null while the client may get tokens
 */
public record Client(String id, String orgId, String name, String secretHash, Set<String> scopes, Duration tokenTtl,
                     Instant createdAt, Instant disabledAt) {
    public Client {
        scopes = Set.copyOf(scopes);
    }

    public boolean disabled() {
        return disabledAt != null;
    }
}
