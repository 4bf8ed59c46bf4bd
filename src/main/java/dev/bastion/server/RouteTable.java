package dev.bastion.server;

import dev.bastion.chain.Exchange;
import dev.bastion.config.PathTemplate;
import dev.bastion.edge.PathNormalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Matches method + host + path to a route (Z1, E4). Exact paths win over {@code {name}} templates, templates
 * over prefixes, longer prefixes over shorter, host-specific routes over host-less ones. A path no route covers is a 404; a path that
 * is covered but not for this method is a 405 with {@code Allow}. CORS preflights are answered here,
 * before authentication (browsers send them without credentials), by the best route that approves them.
 */
final class RouteTable {
    sealed interface Result permits Found, MethodNotAllowed, NotFound, Preflight, PreflightRefused {}

    record Found(Route route) implements Result {}

    record MethodNotAllowed(Set<String> allowed) implements Result {}

    record NotFound() implements Result {}

    /** A CORS preflight this route approves: answered 204 with its CORS headers. */
    record Preflight(Route route) implements Result {}

    /** A CORS preflight that routes with a CORS policy cover, none of which approves it. */
    record PreflightRefused() implements Result {}

    private static final NotFound NOT_FOUND = new NotFound();
    private static final PreflightRefused PREFLIGHT_REFUSED = new PreflightRefused();

    private final Map<String, List<Route>> exact = new HashMap<>();
    private final List<Route> prefixes = new ArrayList<>();
    // Routes with {name} segments (tenant binding, Z2), with their parsed paths: after the exact paths, before the
    // plain prefixes, most specific first. A path with no {name} never lands here, so existing matching is unchanged.
    private final List<Route> templates = new ArrayList<>();
    private final Map<Route, PathTemplate> parsed = new java.util.IdentityHashMap<>();

    private final List<Route> all;

    RouteTable(List<Route> routes) {
        this.all = List.copyOf(routes);
        for (Route r : routes) {
            if (PathTemplate.isTemplate(r.match().path())) {
                templates.add(r);
                parsed.put(r, PathTemplate.parse(r.match().path()));
            } else if (r.match().prefix()) prefixes.add(r);
            else exact.computeIfAbsent(r.match().path(), k -> new ArrayList<>()).add(r);
        }
        Comparator<Route> hostFirst = Comparator.comparing(r -> r.match().host() == null);
        exact.values().forEach(l -> l.sort(hostFirst));
        prefixes.sort(Comparator.<Route>comparingInt(r -> -r.match().path().length()).thenComparing(hostFirst));
        // exact templates before those ending in /*, then more segments, then more literal segments
        templates.sort(Comparator.<Route, Boolean>comparing(r -> parsed.get(r).rest())
                .thenComparingInt(r -> -parsed.get(r).segmentCount())
                .thenComparingInt(r -> -parsed.get(r).literalCount())
                .thenComparing(hostFirst));
    }

    /**
     * The route for an exchange whose path the edge decoded, or why there is none. Routes match the path
     * without its segments' parameters ({@link PathNormalizer#withoutParameters}): {@code /admin;x/users}
     * is held to the route of {@code /admin/users}, the path a Java upstream serves for it.
     */
    /** Every route, in the order given (what the admin API's OpenAPI document is checked against). */
    List<Route> routes() {
        return all;
    }

    Result resolve(Exchange ex) {
        String path = PathNormalizer.withoutParameters(ex.path());
        String origin = ex.headers().get("Origin");
        String requested = ex.headers().get("Access-Control-Request-Method");
        if (ex.method().name().equals("OPTIONS") && origin != null && requested != null) {
            Result preflight = preflight(ex, path, origin, requested);
            if (preflight != null) return preflight;
        }
        return match(ex.method().name(), ex.host(), path);
    }

    /** A preflight's answer, or null when no route for the path has CORS (normal routing answers it). */
    private Result preflight(Exchange ex, String path, String origin, String method) {
        boolean anyCors = false;
        for (Route r : candidates(ex.host(), path)) {
            if (r.cors() == null) continue;
            anyCors = true;
            if (r.methods().contains(method.trim().toUpperCase(Locale.ROOT))
                    && r.cors().allowsPreflight(origin, method, ex.headers().get("Access-Control-Request-Headers"))) {
                return new Preflight(r);
            }
        }
        return anyCors ? PREFLIGHT_REFUSED : null;
    }

    /** Every route whose path (and host) covers the request, best first. */
    List<Route> candidates(String host, String path) {
        List<Route> out = new ArrayList<>(2);
        List<Route> e = exact.get(path);
        if (e != null) for (Route r : e) if (hostMatches(r, host)) out.add(r);
        for (Route r : templates) if (parsed.get(r).matches(path) && hostMatches(r, host)) out.add(r);
        for (Route r : prefixes) {
            String p = r.match().path();
            String base = p.substring(0, p.length() - 1); // "/api/"
            if ((path.startsWith(base) || path.equals(base.substring(0, base.length() - 1))) && hostMatches(r, host)) out.add(r);
        }
        return out;
    }

    Result match(String method, String host, String path) {
        List<Route> candidates = candidates(host, path);
        if (candidates.isEmpty()) return NOT_FOUND;
        for (Route r : candidates) if (r.methods().contains(method)) return new Found(r);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : candidates) allowed.addAll(r.methods());
        return new MethodNotAllowed(allowed);
    }

    private static boolean hostMatches(Route r, String host) {
        String want = r.match().host();
        return want == null || want.equals(host);
    }
}
