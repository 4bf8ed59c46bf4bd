package dev.bastion.server;

import dev.bastion.chain.Chain;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.RouteConfig;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.upstream.UpstreamClient;
import java.util.List;
import java.util.Set;

/**
 * A route as it runs: its config, its chain split around the body read, its upstream and CORS policy.
 * Built once at start; shared read-only by all event loops.
 *
 * @param beforeBody controls that run on the paused request (no body needed), so a denied request's body is never read
 * @param afterBody  controls that need the body
 * @param upstream   where the request goes, or null for a route Bastion answers itself
 * @param local      Bastion's own endpoint for this route, or null
 */
record Route(RouteConfig config, Chain beforeBody, Chain afterBody, UpstreamClient upstream, LocalEndpoint local, CorsPolicy cors,
             Set<String> methods, long maxBodyBytes) {

    String id() {
        return config.id();
    }

    List<String> contentTypes() {
        return config.contentTypes();
    }

    /** The path to send upstream: the raw path, minus the route's {@code strip_prefix}. */
    String forwardPath(String rawPath) {
        String prefix = config.stripPrefix();
        if (prefix == null) return rawPath;
        if (rawPath.length() == prefix.length()) return "/";
        return rawPath.substring(prefix.length());
    }
}
