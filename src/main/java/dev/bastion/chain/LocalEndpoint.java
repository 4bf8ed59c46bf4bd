package dev.bastion.chain;

import io.vertx.core.Future;
import java.util.Map;

/**
 * A route answered by Bastion itself instead of an upstream ({@code /oauth2/token},
 * {@code /.well-known/jwks.json}). It runs after the route's chain, like a forward; a failed future is
 * a 500 in the JSON error shape.
 */
public interface LocalEndpoint {
    Future<Response> handle(Exchange exchange);

    /** @param body UTF-8 text, usually JSON */
    record Response(int status, Map<String, String> headers, String body) {}
}
