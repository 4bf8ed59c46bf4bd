package dev.bastion.server;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.Rate;
import dev.bastion.config.RouteConfig;
import dev.bastion.mcp.ResourceMetadataEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Routes Bastion answers itself on the public listener: {@code POST /oauth2/token} and
 * {@code GET /.well-known/jwks.json}. They are ordinary routes — same edge checks, same record step —
 * with a per-IP limit, and a local endpoint instead of an upstream.
 */
final class SystemRoutes {
    static final String TOKEN_PATH = "/oauth2/token";
    static final String JWKS_PATH = "/.well-known/jwks.json";
    static final String LOCAL = "(bastion)";
    /** Bastion's own endpoints take small forms at most. */
    static final long MAX_BODY = 64 * 1024;

    /** A system route's config and its endpoint. */
    record SystemRoute(RouteConfig config, LocalEndpoint endpoint) {
        /** {@code jwks} or {@code token}: the access line's operation. */
        String operation() {
            return config.id().substring("bastion.".length());
        }
    }

    private SystemRoutes() {}

    static List<SystemRoute> of(BastionConfig config, Services services) {
        List<SystemRoute> out = new ArrayList<>();
        // The JWKS is always served: upstreams verify X-Bastion-Identity with it, token endpoint or not.
        out.add(new SystemRoute(route("bastion.jwks", "GET", JWKS_PATH, List.of(), Rate.parse("600/1m")), services.jwksEndpoint));
        if (config.tokens().endpoint().enabled()) {
            out.add(new SystemRoute(route("bastion.token", "POST", TOKEN_PATH, List.of("application/x-www-form-urlencoded"),
                    config.tokens().endpoint().requestsPerIp()), services.tokenEndpoint));
        }
        // One protected-resource metadata document per MCP route (RFC 9728), at a path derived from the route's own.
        for (RouteConfig rc : config.routes()) {
            if (rc.mcp() == null) continue;
            out.add(new SystemRoute(route("bastion.mcp_metadata", "GET", rc.mcp().metadataPath(), rc.match().host(), List.of(),
                    Rate.parse("600/1m")), new ResourceMetadataEndpoint(rc.mcp())));
        }
        return out;
    }

    private static RouteConfig route(String id, String method, String path, List<String> contentTypes, Rate perIp) {
        return route(id, method, path, null, contentTypes, perIp);
    }

    private static RouteConfig route(String id, String method, String path, String host, List<String> contentTypes, Rate perIp) {
        return new RouteConfig(id, new RouteConfig.Match(List.of(method), path, host), LOCAL, contentTypes, true, null, null,
                List.of(new RouteConfig.Limit(RouteConfig.LimitKey.IP, perIp, null)), null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                new dev.bastion.config.BotsConfig.Route(dev.bastion.config.BotsConfig.Mode.OFF, null), null, null, null, null); // Bastion's own endpoints: for machines
    }

    static Map<String, String> paths() {
        return Map.of(TOKEN_PATH, "POST", JWKS_PATH, "GET");
    }
}
