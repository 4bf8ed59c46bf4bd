package dev.bastion.server;

import dev.bastion.chain.ErrorFormat;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.RouteConfig;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.upstream.Upstream;
import java.util.Set;

/**
 * A route as it runs: what it matches, its controls, where it goes and its CORS policy. Built once at
 * start; shared read-only by all event loops.
 *
 * @param maxBodyBytes the body cap the body read enforces (the edge's shape check refuses a larger declared length first)
 * @param errorFormat  the shape of Bastion's errors on this route (a front door's), or null for Bastion's own
 * @param operation    what kind of request the route serves, for the access line and the span ({@link Operations})
 */
record Route(String id, RouteConfig.Match match, Set<String> methods, Steps steps, Target target, CorsPolicy cors, long maxBodyBytes,
             ErrorFormat errorFormat, String operation) {

    Route(String id, RouteConfig.Match match, Set<String> methods, Steps steps, Target target, CorsPolicy cors, long maxBodyBytes,
          ErrorFormat errorFormat) {
        this(id, match, methods, steps, target, cors, maxBodyBytes, errorFormat, target instanceof Forward ? Operations.PROXY : Operations.LOCAL);
    }

    Route(String id, RouteConfig.Match match, Set<String> methods, Steps steps, Target target, CorsPolicy cors, long maxBodyBytes) {
        this(id, match, methods, steps, target, cors, maxBodyBytes, null);
    }

    /** The same route, serving {@code operation}. */
    Route withOperation(String operation) {
        return new Route(id, match, methods, steps, target, cors, maxBodyBytes, errorFormat, operation);
    }

    /** Where a route's requests end. Sealed: the runner's switch covers every kind. */
    sealed interface Target permits Forward, Local {}

    /**
     * To an upstream.
     *
     * @param stripPrefix      removed from the path before forwarding, or null
     * @param forwardUserToken pass the caller's identity-provider token on
     */
    record Forward(Upstream upstream, String stripPrefix, boolean forwardUserToken) implements Target {
        /** The path to send upstream: the raw path, minus the route's {@code strip_prefix}. */
        String path(String rawPath) {
            if (stripPrefix == null) return rawPath;
            if (rawPath.length() == stripPrefix.length()) return "/";
            return rawPath.substring(stripPrefix.length());
        }
    }

    /** Answered by Bastion itself ({@code /oauth2/token}, the JWKS, the admin listener's endpoints). */
    record Local(LocalEndpoint endpoint) implements Target {}
}
