package dev.bastion.store;

import java.time.Instant;

/**
 * One version of a data key as stored: wrapped by the key-encryption key {@code kekId}; never the key itself.
 *
 * @param scope      {@code org:ID}, {@code user:ID} or {@code system}
 * @param version    1, 2, …; the newest active version seals
 * @param state      {@code active}, {@code retired} (opens, never seals) or {@code destroyed} (its key is gone)
 * @param kekId      which key-encryption key wrapped it ({@code master}, {@code aws-kms:ARN})
 * @param wrappedKey the wrapped key, base64; null once destroyed
 */
public record DataKeyRecord(String scope, int version, String state, String kekId, String wrappedKey, Instant createdAt, Instant retiredAt,
                            Instant destroyedAt) {
    public static final String ACTIVE = "active";
    public static final String RETIRED = "retired";
    public static final String DESTROYED = "destroyed";

    @Override
    public String toString() { // never the wrapped key, even in a debugger's or a log's view
        return "DataKeyRecord[" + scope + " v" + version + " " + state + " " + kekId + "]";
    }
}
