package dev.bastion.authn;

import dev.bastion.chain.Identity;
import dev.bastion.store.Revocation;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows to be revoked (A8): token ids, users, orgs, clients and API keys. Checked on every
 * authenticated request, cached identities included, so a revocation is never waiting for a cache to
 * expire. Filled from the store at start, then by polling and, when Redis is configured, by broadcast.
 * Thread-safe; lookups are a few hash probes.
 */
public final class RevocationList {
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    /** user id → the orgs in which the user is revoked ({@link #ALL_ORGS} for an operator revocation). */
    private final Map<String, java.util.Set<String>> users = new ConcurrentHashMap<>();
    private static final String ALL_ORGS = "*";
    private final Map<String, Boolean> orgs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> clients = new ConcurrentHashMap<>();
    private final Map<String, Boolean> keys = new ConcurrentHashMap<>();
    private final Clock clock;

    public RevocationList(Clock clock) {
        this.clock = clock;
    }

    public void apply(Revocation r) {
        switch (r.kind()) {
            case TOKEN -> tokens.put(r.subject(), r.expiresAt() == null ? Instant.MAX : r.expiresAt());
            // A tenant admin revokes a user in its own org only; the operator (no org) everywhere.
            case USER -> users.computeIfAbsent(r.subject(), k -> ConcurrentHashMap.newKeySet()).add(r.orgId() == null ? ALL_ORGS : r.orgId());
            case ORG -> orgs.put(r.subject(), Boolean.TRUE);
            case CLIENT -> clients.put(r.subject(), Boolean.TRUE);
            case KEY -> keys.put(r.subject(), Boolean.TRUE);
        }
    }

    /** The stable reason when something about this identity is revoked, else null. */
    public String revokedReason(Identity id) {
        if (orgs.containsKey(id.orgId())) return "org_revoked";
        if (id.tokenId() != null && tokens.containsKey(id.tokenId())) return "token_revoked";
        if (id.userId() != null) {
            java.util.Set<String> in = users.get(id.userId());
            if (in != null && (in.contains(ALL_ORGS) || in.contains(id.orgId()))) return "user_revoked";
        }
        if (id.clientId() != null && clients.containsKey(id.clientId())) return "client_revoked";
        if ("api_key".equals(id.credentialType()) && keys.containsKey(id.credentialId())) return "api_key_revoked";
        return null;
    }

    /** Drops token revocations whose token has expired anyway. */
    public void pruneExpired() {
        Instant now = clock.instant();
        tokens.values().removeIf(exp -> !now.isBefore(exp));
    }

    public int size() {
        return tokens.size() + users.size() + orgs.size() + clients.size() + keys.size();
    }
}
