package dev.bastion.chain;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Map;

/**
 * A route answered by Bastion itself instead of an upstream ({@code /oauth2/token},
 * {@code /.well-known/jwks.json}, the admin listener's endpoints). It runs after the route's chain, like a
 * forward, and answers with a {@link Verdict.Respond}, or refuses with a {@link Verdict.Deny} — written in
 * the one error shape like any refusal. A failed future is a 503 {@code service_unavailable}; an
 * {@code Allow} is a fault.
 */
public interface LocalEndpoint {
    /** The headers of an answer about this gateway's state: JSON that no cache may keep. */
    Map<String, String> JSON_NO_STORE = Map.of("Content-Type", "application/json", "Cache-Control", "no-store");

    Future<Verdict> handle(Exchange exchange);

    /** A whole answer: UTF-8 text, usually JSON. */
    static Verdict.Respond answer(int status, Map<String, String> headers, String body) {
        return new Verdict.Respond(status, new ArrayList<>(headers.entrySet()), Buffer.buffer(body));
    }
}
