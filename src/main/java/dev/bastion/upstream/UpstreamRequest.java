package dev.bastion.upstream;

import dev.bastion.chain.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * One request to forward: the exchange it belongs to (method, query, headers, identity) and what the
 * route decided about it. The upstream adds what belongs to the destination: its host, its key, the
 * identity token and the request signature.
 *
 * @param path             the path as received, minus the route's {@code strip_prefix}
 * @param body             the body to send (after the controls' changes), or null
 * @param inboundTls       whether the client reached Bastion over TLS (for {@code X-Forwarded-Proto})
 * @param forwardUserToken pass the caller's identity-provider token on (the route allows it; never to a model provider)
 * @param identityEncoding ask for an uncompressed answer: a response filter reads the body
 * @param providerHeaders  headers a provider's wire format needs (set last), or null
 * @param clientQuery      append the client's query string (false when a provider's path replaces the client's)
 * @param auth             a deployment's credential applied last (SigV4, an OAuth2 token), or null
 */
public record UpstreamRequest(Exchange exchange, String path, Buffer body, boolean inboundTls, boolean forwardUserToken,
                              boolean identityEncoding, Cancellation cancellation, MultiMap providerHeaders, boolean clientQuery,
                              RequestAuth auth) {
    public UpstreamRequest {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    public UpstreamRequest(Exchange exchange, String path, Buffer body, boolean inboundTls, boolean forwardUserToken,
                           boolean identityEncoding, Cancellation cancellation, MultiMap providerHeaders, boolean clientQuery) {
        this(exchange, path, body, inboundTls, forwardUserToken, identityEncoding, cancellation, providerHeaders, clientQuery, null);
    }

    public UpstreamRequest(Exchange exchange, String path, Buffer body, boolean inboundTls, boolean forwardUserToken,
                           boolean identityEncoding, Cancellation cancellation) {
        this(exchange, path, body, inboundTls, forwardUserToken, identityEncoding, cancellation, null, true);
    }

    /** The same request in a provider's wire format: its path (no client query), its body, its headers. */
    public UpstreamRequest translated(String providerPath, Buffer providerBody, MultiMap headers) {
        return translated(providerPath, providerBody, headers, null);
    }

    /** The same, authenticated by the deployment ({@code auth} may be null). */
    public UpstreamRequest translated(String providerPath, Buffer providerBody, MultiMap headers, RequestAuth auth) {
        return new UpstreamRequest(exchange, providerPath, providerBody, inboundTls, forwardUserToken, identityEncoding, cancellation, headers, false, auth);
    }

    /** The request target to send: the upstream's base path, the path, and the query as received. */
    String target(String basePath) {
        String query = clientQuery ? exchange.rawQuery() : null;
        return basePath + path + (query == null ? "" : "?" + query);
    }
}
