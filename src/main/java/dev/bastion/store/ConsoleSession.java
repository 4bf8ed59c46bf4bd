package dev.bastion.store;

import java.time.Instant;

/**
 * A console login (V30), found by the hash of its id; the id itself is only ever in the browser's cookie.
 *
 * @param role   {@code operator} or {@code org_admin} ({@code admin.AdminRole})
 * @param method how the user logged in: {@code oidc} or {@code bootstrap}
 */
public record ConsoleSession(String idHash, String orgId, String userId, String subject, String role, String method, Instant createdAt,
                             Instant lastSeen) {}
