package dev.bastion.tokens;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.Map;

/** {@code GET /.well-known/jwks.json}: Bastion's current and still-valid previous public keys (A7). */
public final class JwksEndpoint implements LocalEndpoint {
    private final SigningKeys keys;

    public JwksEndpoint(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public Future<Verdict> handle(Exchange exchange) {
        // toString(true): public parts only, whatever the set holds.
        return Future.succeededFuture(LocalEndpoint.answer(200, Map.of("Content-Type", "application/jwk-set+json",
                "Cache-Control", "public, max-age=300"), keys.publicJwks().toString(true)));
    }
}
