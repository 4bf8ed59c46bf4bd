package dev.bastion.authn;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Establishes the caller's {@link Identity} with the route's authenticators, tried in order, then checks
 * it against the {@link RevocationList} (every request, cached identities included). Ends the chain with
 * 401 when no credential is present, none of the route's methods accepts it, or it is rejected or
 * revoked; with 403 when a valid credential's tenant is unknown. A fault in an authenticator fails the
 * chain (503).
 */
public final class AuthenticateControl implements Control {
    private static final Function<String, String> REALM = error -> "Bearer realm=\"bastion\"";

    private final List<Authenticator> authenticators;
    private final RevocationList revocations;
    private final Map<String, String> missingChallenge, invalidChallenge;
    private final Verdict.Deny missing, unsupported;

    public AuthenticateControl(List<Authenticator> authenticators, RevocationList revocations) {
        this(authenticators, revocations, REALM);
    }

    /**
     * @param challenge the {@code WWW-Authenticate} value of a 401, given the RFC 6750 error: null when no credential
     *                  came, {@code invalid_token} for one that was refused (an MCP route names its resource metadata)
     */
    public AuthenticateControl(List<Authenticator> authenticators, RevocationList revocations, Function<String, String> challenge) {
        if (authenticators.isEmpty()) throw new IllegalArgumentException("authenticators: empty (expected: at least one)");
        this.authenticators = List.copyOf(authenticators);
        this.revocations = revocations;
        this.missingChallenge = Map.of("WWW-Authenticate", challenge.apply(null));
        this.invalidChallenge = Map.of("WWW-Authenticate", challenge.apply("invalid_token"));
        this.missing = new Verdict.Deny(401, "credentials_missing", "This route requires credentials (Authorization: Bearer or X-Api-Key).", missingChallenge);
        this.unsupported = new Verdict.Deny(401, "credentials_unsupported", "This route does not accept this kind of credential.", invalidChallenge);
    }

    @Override
    public Stage stage() {
        return Stage.AUTHENTICATE;
    }

    @Override
    public String name() {
        return "authenticate";
    }

    @Override
    public Future<Verdict> check(Exchange exchange) {
        return tryFrom(0, exchange);
    }

    private Future<Verdict> tryFrom(int i, Exchange exchange) {
        if (i == authenticators.size()) {
            boolean presented = exchange.headers().contains("Authorization") || exchange.headers().contains("X-Api-Key");
            return (presented ? unsupported : missing).future();
        }
        return authenticators.get(i).authenticate(exchange).compose(result -> switch (result) {
            case AuthResult.Authenticated a -> {
                String revoked = revocations.revokedReason(a.identity());
                if (revoked != null) yield new Verdict.Deny(401, revoked, "The credential has been revoked.", invalidChallenge).future();
                exchange.identity(a.identity());
                yield Verdict.ALLOWED;
            }
            case AuthResult.Rejected r -> new Verdict.Deny(r.status(), r.reason(), r.message(), r.status() == 401 ? invalidChallenge : Map.of()).future();
            case AuthResult.NoCredential n -> tryFrom(i + 1, exchange);
        });
    }
}
