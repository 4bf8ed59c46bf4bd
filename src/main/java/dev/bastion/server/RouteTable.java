package dev.bastion.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches method + host + path to a route (Z1, E4). Exact paths win over prefixes, longer prefixes
 * over shorter, host-specific routes over host-less ones. A path no route covers is a 404; a path that
 * is covered but not for this method is a 405 with {@code Allow}.
 */
final class RouteTable {
    sealed interface Result permits Found, MethodNotAllowed, NotFound {}

    record Found(Route route) implements Result {}

    record MethodNotAllowed(Set<String> allowed) implements Result {}

    record NotFound() implements Result {}

    private static final NotFound NOT_FOUND = new NotFound();

    private final Map<String, List<Route>> exact = new HashMap<>();
    private final List<Route> prefixes = new ArrayList<>();

    RouteTable(List<Route> routes) {
        for (Route r : routes) {
            if (r.config().match().prefix()) prefixes.add(r);
            else exact.computeIfAbsent(r.config().match().path(), k -> new ArrayList<>()).add(r);
        }
        Comparator<Route> hostFirst = Comparator.comparing(r -> r.config().match().host() == null);
        exact.values().forEach(l -> l.sort(hostFirst));
        prefixes.sort(Comparator.<Route>comparingInt(r -> -r.config().match().path().length()).thenComparing(hostFirst));
    }

    /** Every route whose path (and host) covers the request, best first. */
    List<Route> candidates(String host, String path) {
        List<Route> out = new ArrayList<>(2);
        List<Route> e = exact.get(path);
        if (e != null) for (Route r : e) if (hostMatches(r, host)) out.add(r);
        for (Route r : prefixes) {
            String p = r.config().match().path();
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
        String want = r.config().match().host();
        return want == null || want.equals(host);
    }
}
