package dev.bastion.authn;

import dev.bastion.chain.Identity;

/**
 * What an {@link Authenticator} concluded. A failed future (store down, IdP unreachable) is a third,
 * different outcome: a fault, which refuses the request with 503 rather than 401.
 */
public sealed interface AuthResult {
    NoCredential NO_CREDENTIAL = new NoCredential();

    /** The credential is valid; this is who is calling. */
    record Authenticated(Identity identity) implements AuthResult {}

    /** This request carries no credential of this authenticator's kind; the next one may look. */
    record NoCredential() implements AuthResult {}

    /**
     * A credential of this kind was presented and is not acceptable. It is never retried with
     * another method: a bad key must not fall through to a weaker check.
     *
     * @param status 401, or 403 when the credential is valid but its tenant is not (unknown org)
     */
    record Rejected(int status, String reason, String message) implements AuthResult {
        public Rejected(String reason, String message) {
            this(401, reason, message);
        }
    }
}
