package dev.bastion.store;

import java.time.Instant;

/** A tenant. Every key, client and user belongs to exactly one. */
public record Org(String id, Instant createdAt) {}
