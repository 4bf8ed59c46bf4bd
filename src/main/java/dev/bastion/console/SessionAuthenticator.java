package dev.bastion.console;

import dev.bastion.authn.AuthResult;
import dev.bastion.authn.Authenticator;
import dev.bastion.chain.Exchange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

/**
 * The console's session cookie as an admin-listener credential: a live session becomes an {@code Identity} of type
 * {@code console_session} with its role's scopes, so every {@code /admin/v1/…} endpoint serves the console under the
 * one role model. Ordered after the API-key and token authenticators: a request with {@code Authorization} or
 * {@code X-Api-Key} is theirs, and CSRF does not apply to it (a page of another origin cannot set those headers).
 *
 * <p>A mutation (anything but GET and HEAD) carried by the cookie must also carry the session's synchronizer token in
 * {@code X-CSRF-Token} and an {@code Origin} equal to the console's origin; otherwise 403 {@code csrf_failed}. The
 * cookie is {@code SameSite=Strict} too: three locks, because a browser's rules change and a proxy may drop a header.
 * An unknown, idle or expired session is 401 {@code session_invalid}. The store is read on a worker.
 */
public final class SessionAuthenticator implements Authenticator {
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final Vertx vertx;
    private final ConsoleSessions sessions;
    private final java.util.function.Supplier<String> origin;

    /** @param origin the console's origin ({@code ConsoleConfig.origin}): the one {@code Origin} a mutation may come from */
    public SessionAuthenticator(Vertx vertx, ConsoleSessions sessions, java.util.function.Supplier<String> origin) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.origin = origin;
    }

    @Override
    public String kind() {
        return ConsoleSessions.CREDENTIAL_TYPE;
    }

    @Override
    public Future<AuthResult> authenticate(Exchange exchange) {
        String id = ConsoleSessions.fromCookies(String.join("; ", exchange.headers().getAll("Cookie")));
        if (id == null) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
        // CSRF first, before the store is touched: a forged request must not even move the session's idle clock.
        if (exchange.method() != HttpMethod.GET && exchange.method() != HttpMethod.HEAD
                && (!origin.get().equals(exchange.headers().get("Origin")) || !ConsoleSessions.csrfMatches(id, exchange.headers().get(CSRF_HEADER)))) {
            return Future.succeededFuture(new AuthResult.Rejected(403, "csrf_failed",
                    "A console change needs the session's X-CSRF-Token header and must come from the console's own origin."));
        }
        return vertx.executeBlocking(() -> sessions.resume(id)
                .<AuthResult>map(s -> new AuthResult.Authenticated(ConsoleSessions.identity(s)))
                .orElseGet(() -> new AuthResult.Rejected("session_invalid", "The console session has ended; log in again.")), false);
    }
}
