package dev.bastion.authn;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Establishes the caller's {@link dev.bastion.chain.Identity} with the route's authenticators, tried in
 * order. Ends the chain with 401 when no credential is present or one is rejected; a fault in an
 * authenticator fails the chain (503).
 */
public final class AuthenticateControl implements Control {
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"bastion\"");
    private static final Verdict.Deny MISSING = new Verdict.Deny(401, "credentials_missing",
            "This route requires credentials (Authorization: Bearer or X-Api-Key).", CHALLENGE);

    private final List<Authenticator> authenticators;

    public AuthenticateControl(List<Authenticator> authenticators) {
        if (authenticators.isEmpty()) throw new IllegalArgumentException("authenticators: empty (expected: at least one)");
        this.authenticators = List.copyOf(authenticators);
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
        if (i == authenticators.size()) return MISSING.future();
        return authenticators.get(i).authenticate(exchange).compose(result -> switch (result) {
            case AuthResult.Authenticated a -> {
                exchange.identity(a.identity());
                yield Verdict.ALLOWED;
            }
            case AuthResult.Rejected r -> new Verdict.Deny(401, r.reason(), r.message(), CHALLENGE).future();
            case AuthResult.NoCredential n -> tryFrom(i + 1, exchange);
        });
    }
}
