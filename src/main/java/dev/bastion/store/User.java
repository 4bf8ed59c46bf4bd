package dev.bastion.store;

import java.time.Instant;

/**
 * A user known from an identity provider, created on the first valid token (just in time).
 *
 * @param id         Bastion's id ({@code usr_…})
 * @param issuer     the {@code iss} of the provider
 * @param externalId the provider's subject ({@code sub})
 * @param role       reader, writer or admin, from the token's role claim; may be null
 */
public record User(String id, String orgId, String issuer, String externalId, String role, Instant firstSeen, Instant lastSeen) {}
