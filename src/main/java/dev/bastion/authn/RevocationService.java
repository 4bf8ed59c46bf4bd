package dev.bastion.authn;

import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Revoking (A8), for the CLI and the admin API: the revocation is written to the store (which every node
 * polls), applied to this process at once, and published to the other nodes when a broadcast channel
 * (Redis) is configured. Revoking an API key or a client also marks it in its own table. Blocking.
 */
public final class RevocationService {
    private final Store store;
    private final Clock clock;
    private final Consumer<Revocation> broadcast;
    private final RevocationList local;

    /**
     * @param broadcast publishes to other nodes (Redis); a no-op without one
     * @param local     this process's list, or null for a CLI process that serves nothing
     */
    public RevocationService(Store store, Clock clock, Consumer<Revocation> broadcast, RevocationList local) {
        this.store = store;
        this.clock = clock;
        this.broadcast = broadcast;
        this.local = local;
    }

    /**
     * @param orgId     the tenant it concerns (for audit and tenant-scoped listing); may be null
     * @param expiresAt for token revocations, the token's expiry; null keeps the entry
     */
    public Revocation revoke(Revocation.Kind kind, String subject, String orgId, Instant expiresAt) {
        if (subject == null || subject.isBlank() || subject.length() > 512) throw new IllegalArgumentException("id: missing or too long");
        Instant now = clock.instant();
        switch (kind) {
            case KEY -> store.apiKeys().revoke(orgId, subject, now);
            case CLIENT -> store.clients().disable(orgId, subject, now);
            default -> { }
        }
        Revocation r = new Revocation("rev_" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(now.toEpochMilli()),
                kind, subject, orgId, now, expiresAt);
        store.revocations().insert(r);
        if (local != null) local.apply(r);
        broadcast.accept(r);
        return r;
    }
}
