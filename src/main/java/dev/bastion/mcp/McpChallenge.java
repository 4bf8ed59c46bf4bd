package dev.bastion.mcp;

import dev.bastion.config.McpConfig;
import java.util.Collection;
import java.util.List;

/**
 * The {@code WWW-Authenticate} challenges of an MCP route (RFC 6750 §3, RFC 9728 §5.1): every one names the route's
 * protected-resource metadata, so a client that was refused finds the authorization servers and the scopes to ask
 * for. A missing token gets no {@code error}; a bad one {@code invalid_token}; too few scopes {@code insufficient_scope}
 * with every scope the operation needs, in one challenge.
 */
public final class McpChallenge {
    private final String metadataUrl;
    private final String scope;

    /** @param required the route's required scopes ({@code require.scopes_all}); named in a 401, else the supported ones */
    public McpChallenge(McpConfig config, List<String> required) {
        this.metadataUrl = metadataUrl(config);
        this.scope = String.join(" ", required.isEmpty() ? config.scopesSupported() : required);
    }

    /** RFC 9728 §3.1: the well-known segment between the resource's authority and its path. */
    public static String metadataUrl(McpConfig config) {
        java.net.URI r = config.resource();
        return r.getScheme() + "://" + r.getRawAuthority() + config.metadataPath();
    }

    /** The challenge of a 401: {@code error} null when no token came, else {@code invalid_token}. */
    public String unauthorized(String error) {
        StringBuilder sb = new StringBuilder("Bearer ");
        if (error != null) sb.append("error=\"").append(error).append("\", ");
        sb.append("resource_metadata=\"").append(metadataUrl).append('"');
        if (!scope.isEmpty()) sb.append(", scope=\"").append(scope).append('"');
        return sb.toString();
    }

    /** The challenge of a 403 for too few scopes, naming all of {@code needed}. */
    public String insufficientScope(Collection<String> needed) {
        return "Bearer error=\"insufficient_scope\", scope=\"" + String.join(" ", needed) + "\", resource_metadata=\"" + metadataUrl + '"';
    }
}
