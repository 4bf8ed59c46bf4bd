package dev.bastion.store;

import java.time.Instant;

/**
 * A revoked credential or principal.
 *
 * @param kind      what {@code subject} names
 * @param subject   a token id (jti), user id, org id, client id or API key id
 * @param orgId     the tenant it concerns; null for operator revocations of foreign tokens
 * @param expiresAt when the entry can be forgotten (a revoked token's own expiry); null: never
 */
public record Revocation(String id, Kind kind, String subject, String orgId, Instant createdAt, Instant expiresAt) {
    public enum Kind {
        TOKEN, USER, ORG, CLIENT, KEY;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromWire(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
