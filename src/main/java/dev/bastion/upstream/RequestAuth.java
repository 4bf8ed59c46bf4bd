package dev.bastion.upstream;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Authenticates one outgoing request as it will be sent, for providers whose credential is not a static
 * key: AWS's SigV4 signs the final headers and body, Google's OAuth2 token is fetched and cached. The
 * upstream applies it last, after every other header is set, so nothing changes what it covered. A failed
 * future (no token could be had) is a typed upstream failure, never a request sent without a credential;
 * its message must not carry a secret or a token.
 */
@FunctionalInterface
public interface RequestAuth {
    /** Completes once {@code request.headers()} carry the credential. */
    Future<Void> apply(Outgoing request);

    /**
     * The request as it goes out.
     *
     * @param target  the path and query as sent
     * @param headers final but for the credential; the auth adds to them
     * @param body    the bytes sent, or null
     */
    record Outgoing(String method, String target, MultiMap headers, Buffer body) {}

    /** No credential could be had (a token endpoint refused or failed); the message is safe to log. */
    final class AuthFailure extends RuntimeException {
        public AuthFailure(String message) {
            super(message, null, false, false);
        }
    }
}
