package dev.bastion.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.config.McpConfig;
import io.vertx.core.Future;
import java.util.Map;

/**
 * An MCP route's OAuth 2.0 protected-resource metadata (RFC 9728), served at
 * {@code /.well-known/oauth-protected-resource} followed by the route's path — one document per route, so routes
 * never share one. It names the route's resource, the authorization servers that issue tokens for it, the scopes
 * it knows and that tokens come in the {@code Authorization} header only. Public: a client reads it before it has
 * a token.
 */
public final class ResourceMetadataEndpoint implements LocalEndpoint {
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "Cache-Control", "max-age=300");
    private final String document;

    public ResourceMetadataEndpoint(McpConfig config) {
        ObjectNode doc = McpMessage.MAPPER.createObjectNode().put("resource", config.resource().toString());
        config.authorizationServers().forEach(doc.putArray("authorization_servers")::add);
        // RFC 9728 §2: a parameter without values is left out, not sent empty
        if (!config.scopesSupported().isEmpty()) config.scopesSupported().forEach(doc.putArray("scopes_supported")::add);
        doc.putArray("bearer_methods_supported").add("header");
        this.document = doc.toString();
    }

    @Override
    public Future<Verdict> handle(Exchange exchange) {
        return Future.succeededFuture(LocalEndpoint.answer(200, HEADERS, document));
    }
}
