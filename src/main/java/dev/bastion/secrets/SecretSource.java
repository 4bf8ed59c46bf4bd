package dev.bastion.secrets;

import dev.bastion.config.SecretRef;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the secrets of one scheme from a secret store ({@code vault:} from HashiCorp Vault, {@code aws-sm:}
 * from AWS Secrets Manager). Asynchronous: the gateway resolves through it at start (awaited off the event
 * loop), the {@link SecretWatcher} polls through it, and per-org keys are read through it per request. A read
 * fails with a {@link Failure}, whose message never holds a value or a token.
 */
public interface SecretSource extends AutoCloseable {
    /** The current value of {@code ref}, with its version and when that version was made. */
    CompletableFuture<Fetched> fetch(SecretRef ref);

    @Override
    default void close() {}

    /**
     * @param value     the value (not yet checked for emptiness or placeholders: the resolver does that)
     * @param version   the store's version of it (Vault's KV version, AWS's VersionId); null when unknown
     * @param changedAt when that version was written (Vault's {@code created_time}, AWS's {@code CreatedDate}); null when unknown
     */
    record Fetched(String value, String version, Instant changedAt) {
        @Override
        public String toString() {
            return "Fetched[version=" + version + ", changedAt=" + changedAt + "]";
        }
    }

    /** Why a read failed, which decides what a client is told. */
    enum Reason {
        /** The secret, its version or its field does not exist (Vault 404, AWS ResourceNotFound). */
        MISSING,
        /** The store refused Bastion (a bad token or signature, permission denied, a decryption failure). */
        DENIED,
        /** The store could not answer (sealed, unreachable, 5xx after retries, a timeout). */
        UNAVAILABLE
    }

    /** A read that failed. Its message names the reference and the reason; never a value, a token or a key. */
    final class Failure extends RuntimeException {
        private final Reason reason;

        public Failure(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
