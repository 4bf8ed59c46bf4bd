package dev.bastion.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks that need the whole config: references between sections, clashes, and prod-only rules. */
final class ConfigValidator {
    private ConfigValidator() {}

    static List<String> validate(BastionConfig c) {
        List<String> problems = new ArrayList<>();
        if (c.routes().isEmpty()) problems.add("routes: none declared (Bastion only forwards what a route allows)");

        Map<String, Integer> ids = new HashMap<>();
        Map<String, String> patterns = new HashMap<>();
        for (int i = 0; i < c.routes().size(); i++) {
            RouteConfig r = c.routes().get(i);
            String at = "routes[" + i + "]";
            Integer prev = ids.putIfAbsent(r.id(), i);
            if (prev != null) problems.add(at + ".id: '" + r.id() + "' is already used by routes[" + prev + "]");
            if (!c.upstreams().containsKey(r.upstream())) {
                problems.add(at + ".upstream: unknown upstream '" + r.upstream() + "' (declared: "
                        + (c.upstreams().isEmpty() ? "none" : String.join(", ", c.upstreams().keySet())) + ")");
            }
            for (String m : r.match().methods()) {
                String key = m + " " + (r.match().host() == null ? "*" : r.match().host()) + " " + r.match().path();
                String other = patterns.putIfAbsent(key, at);
                if (other != null) problems.add(at + ".match: " + m + " " + r.match().path() + " is already matched by " + other);
            }
            if (r.cors() != null && r.cors().wildcard() && c.prod()) {
                problems.add(at + ".cors.origins: '*' is refused when environment is prod (list the origins)");
            }
            if (r.maxBodyBytes() != null && r.maxBodyBytes().bytes() > c.edge().maxBodyBytes().bytes()) {
                problems.add(at + ".max_body_bytes: " + r.maxBodyBytes().bytes() + " is above edge.max_body_bytes (" + c.edge().maxBodyBytes().bytes() + ")");
            }
            if (r.stripPrefix() != null && !r.match().path().startsWith(r.stripPrefix() + "/") && !r.match().path().equals(r.stripPrefix())) {
                problems.add(at + ".strip_prefix: '" + r.stripPrefix() + "' is not a prefix of match.path '" + r.match().path() + "'");
            }
        }
        AdminListenerConfig admin = c.listeners().admin();
        PublicListenerConfig pub = c.listeners().publicListener();
        if (admin.enabled() && !admin.unsafeExpose() && !isLoopback(admin.host())) {
            problems.add("listeners.admin.host: '" + admin.host() + "' is not loopback; metrics and health would be reachable from the network (set unsafe_expose: true if that is intended)");
        }
        if (admin.enabled() && admin.port() != 0 && admin.port().equals(pub.port())) {
            problems.add("listeners.admin.port: " + admin.port() + " is the public listener's port too");
        }
        return problems;
    }

    static boolean isLoopback(String host) {
        return "localhost".equalsIgnoreCase(host) || host.startsWith("127.") || "::1".equals(host) || "[::1]".equals(host);
    }
}
