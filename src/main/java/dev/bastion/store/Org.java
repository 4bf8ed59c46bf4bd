package dev.bastion.store;

import java.time.Instant;

/**
 * A tenant. Every key, client and user belongs to exactly one.
 *
 * @param tier its plan (a name under {@code limits.tiers}); null for the default tier
 */
public record Org(String id, Instant createdAt, String tier) {}
