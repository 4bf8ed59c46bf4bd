package dev.bastion.server;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.RouteConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The model list beside each route that routes by model: {@code GET /v1/models} next to
 * {@code POST /v1/chat/completions} or {@code POST /v1/embeddings} (the API's segments replaced by
 * {@code models}; the first such route declared serves the list), with the
 * chat route's own authentication, requirements, limits and CORS, so a caller lists only with the same
 * credentials it would use the models with. Not added where a configured route already takes that GET.
 */
final class ModelListRoutes {
    private static final String CHAT_SUFFIX = "/chat/completions";
    private static final String EMBEDDINGS_SUFFIX = "/embeddings";

    /** A chat route that routes by model and the list route beside it. */
    record Pair(RouteConfig chat, RouteConfig list) {}

    private ModelListRoutes() {}

    static List<Pair> of(BastionConfig config) {
        List<Pair> out = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        for (RouteConfig rc : config.routes()) {
            if (rc.match().methods().contains("GET")) taken.add(key(rc.match().host(), rc.match().path()));
        }
        for (RouteConfig rc : config.routes()) {
            if (!rc.routesByModel()) continue;
            String path = listPath(rc.match().path());
            if (path == null || taken.contains(key(rc.match().host(), path))) continue;
            taken.add(key(rc.match().host(), path));
            RouteConfig list = new RouteConfig(rc.id() + ".models", new RouteConfig.Match(List.of("GET"), path, rc.match().host()),
                    SystemRoutes.LOCAL, List.of(), rc.publicRoute(), rc.auth(), rc.publicRoute() ? null : rc.require(), rc.limits(),
                    rc.cors(), null, null, null, null, null, null, null, rc.tiers() && !rc.publicRoute(), null, null, null, null, null, null, rc.bots(), null, null, null, null);
            out.add(new Pair(rc, list));
        }
        return out;
    }

    /** {@code /v1/chat/completions} or {@code /v1/embeddings} → {@code /v1/models}; null for a path that does not end so (or is a prefix). */
    static String listPath(String path) {
        for (String suffix : new String[] {CHAT_SUFFIX, EMBEDDINGS_SUFFIX}) {
            if (path.endsWith(suffix)) return path.substring(0, path.length() - suffix.length()) + "/models";
        }
        return null;
    }

    private static String key(String host, String path) {
        return (host == null ? "*" : host) + " " + path;
    }
}
