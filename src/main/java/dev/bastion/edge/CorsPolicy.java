package dev.bastion.edge;

import dev.bastion.config.Durations;
import dev.bastion.config.RouteConfig;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One route's CORS allow-list (E3). Origins are compared exactly; a request from an origin not on the
 * list gets no CORS headers, so the browser withholds the response from that page's script.
 * Credentials are off unless configured; {@code *} is never combined with credentials (refused at load).
 */
public final class CorsPolicy {
    private final Set<String> origins;
    private final boolean wildcard;
    private final boolean credentials;
    private final Set<String> methods;
    private final Set<String> headers;
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final String maxAge;

    public CorsPolicy(RouteConfig.Cors cors, List<String> routeMethods) {
        this.origins = Set.copyOf(cors.origins());
        this.wildcard = cors.wildcard();
        this.credentials = cors.credentials();
        List<String> m = cors.methods().isEmpty() ? routeMethods : cors.methods();
        this.methods = Set.copyOf(m);
        this.headers = Set.copyOf(cors.headers());
        this.allowMethods = String.join(", ", m);
        this.allowHeaders = String.join(", ", cors.headers());
        this.exposeHeaders = String.join(", ", cors.exposeHeaders());
        this.maxAge = Long.toString(cors.maxAge().toSeconds());
    }

    public boolean allowsOrigin(String origin) {
        return origin != null && (wildcard || origins.contains(origin));
    }

    /** Whether a preflight for this method and these request headers may be approved. */
    public boolean allowsPreflight(String origin, String method, String requestHeaders) {
        if (!allowsOrigin(origin) || method == null || !methods.contains(method.trim().toUpperCase(Locale.ROOT))) return false;
        if (requestHeaders == null || requestHeaders.isBlank()) return true;
        for (String h : requestHeaders.split(",")) {
            String name = h.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !headers.contains(name)) return false;
        }
        return true;
    }

    /** Headers for an actual (non-preflight) response to an allowed origin. */
    public void applyActual(String origin, MultiMap out) {
        if (!allowsOrigin(origin)) return;
        out.set("Access-Control-Allow-Origin", wildcard && !credentials ? "*" : origin);
        if (credentials) out.set("Access-Control-Allow-Credentials", "true");
        if (!exposeHeaders.isEmpty()) out.set("Access-Control-Expose-Headers", exposeHeaders);
        if (!wildcard) out.add("Vary", "Origin");
    }

    /** Headers for an approved preflight. */
    public void applyPreflight(String origin, MultiMap out) {
        applyActual(origin, out);
        out.set("Access-Control-Allow-Methods", allowMethods);
        out.set("Access-Control-Allow-Headers", allowHeaders);
        out.set("Access-Control-Max-Age", maxAge);
    }

    @Override
    public String toString() {
        return "CorsPolicy" + origins + (credentials ? " with credentials" : "") + " max-age " + Durations.format(java.time.Duration.ofSeconds(Long.parseLong(maxAge)));
    }
}
