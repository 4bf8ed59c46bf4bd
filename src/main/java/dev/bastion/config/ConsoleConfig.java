package dev.bastion.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The web console on the admin listener (issue 21, docs/console.md): static pages that call the admin API with a
 * server-side session.
 *
 * @param enabled   default true when the admin listener is enabled; the console is served nowhere else
 * @param publicUrl the console's external origin ({@code https://console.example.com}, no path): the one value the
 *                  {@code Origin} of a session's mutation must equal, and the base of redirect URIs and bootstrap links;
 *                  default {@code http://HOST:PORT} of the admin listener
 * @param session   how long a session lives
 * @param oidc      login with the organisation's identity provider; absent: bootstrap links only
 * @param bootstrap the first operator's one-time login link
 */
public record ConsoleConfig(Boolean enabled, URI publicUrl, Session session, Oidc oidc, Bootstrap bootstrap) {
    public static final ConsoleConfig DEFAULTS = new ConsoleConfig(null, null, null, null, null);

    public ConsoleConfig {
        enabled = enabled == null || enabled;
        if (publicUrl != null) requireOrigin("public_url", publicUrl);
        session = session == null ? Session.DEFAULTS : session;
        bootstrap = bootstrap == null ? Bootstrap.DEFAULTS : bootstrap;
    }

    /** The origin pages are served from: {@code public_url}, or the admin listener's own address. */
    public String origin(AdminListenerConfig admin, int boundPort) {
        if (publicUrl != null) return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority();
        String host = admin.host().contains(":") && !admin.host().startsWith("[") ? "[" + admin.host() + "]" : admin.host();
        return (admin.tls() != null ? "https://" : "http://") + host + ":" + boundPort; // the admin listener's own TLS (E7)
    }

    private static void requireOrigin(String key, URI url) {
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException(key + ": '" + url + "' is not an http(s) URL");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || !(url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"))) {
            throw new IllegalArgumentException(key + ": '" + url + "' must be an origin (scheme, host, port; no path, query or credentials)");
        }
    }

    /**
     * @param idleTimeout a session unused this long ends (default 15m, 1m..24h)
     * @param maxAge      a session ends this long after login however busy (default 8h, at most 7d, not below idle_timeout)
     */
    public record Session(Duration idleTimeout, Duration maxAge) {
        public static final Session DEFAULTS = new Session(null, null);

        public Session {
            idleTimeout = idleTimeout == null ? Duration.ofMinutes(15) : idleTimeout;
            maxAge = maxAge == null ? Duration.ofHours(8) : maxAge;
            if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 || idleTimeout.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("idle_timeout: " + Durations.format(idleTimeout) + " (expected: 1m..24h)");
            }
            if (maxAge.compareTo(idleTimeout) < 0 || maxAge.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("max_age: " + Durations.format(maxAge) + " (expected: at least idle_timeout, at most 7d)");
            }
        }
    }

    /**
     * @param issuer       the IdP's issuer URL; its {@code /.well-known/openid-configuration} names the endpoints, and the
     *                     ID token's {@code iss} must equal the discovered issuer
     * @param clientId     the console's client at the IdP; the ID token's {@code aud} must hold it
     * @param clientSecret a secret reference (env:, file:, vault:, aws-sm:); a literal is refused at load
     * @param scopes       asked for at login (default openid, profile, email; openid is required)
     * @param roles        which claim values make a console operator or org admin
     * @param orgClaim     the claim naming the user's org (default org_id); the org must exist
     */
    public record Oidc(URI issuer, String clientId, SecretRef clientSecret, List<String> scopes, Roles roles, String orgClaim) {
        public Oidc {
            if (issuer == null) throw new IllegalArgumentException("issuer: missing (expected: the IdP's issuer URL)");
            if (!"https".equals(issuer.getScheme()) && !"http".equals(issuer.getScheme()) || issuer.getHost() == null) {
                throw new IllegalArgumentException("issuer: '" + issuer + "' is not an http(s) URL with a host");
            }
            if (clientId == null || clientId.isBlank()) throw new IllegalArgumentException("client_id: missing");
            if (clientSecret == null) throw new IllegalArgumentException("client_secret: missing (expected: a secret reference such as env:NAME)");
            scopes = scopes == null ? List.of("openid", "profile", "email") : List.copyOf(scopes);
            if (!scopes.contains("openid")) throw new IllegalArgumentException("scopes: must contain openid");
            if (roles == null) throw new IllegalArgumentException("roles: missing (expected: claim, operator and/or org_admin values)");
            orgClaim = orgClaim == null ? "org_id" : orgClaim;
            if (orgClaim.isBlank()) throw new IllegalArgumentException("org_claim: empty");
        }
    }

    /**
     * @param claim    the claim holding the user's groups or roles (a string or a list of strings), e.g. {@code groups}
     * @param operator values that make a platform operator (scopes operator and admin)
     * @param orgAdmin values that make an admin of the user's own org (scope admin)
     */
    public record Roles(String claim, List<String> operator, List<String> orgAdmin) {
        public Roles {
            if (claim == null || claim.isBlank()) throw new IllegalArgumentException("claim: missing (expected: the claim holding groups or roles)");
            operator = operator == null ? List.of() : List.copyOf(operator);
            orgAdmin = orgAdmin == null ? List.of() : List.copyOf(orgAdmin);
            if (operator.isEmpty() && orgAdmin.isEmpty()) throw new IllegalArgumentException("operator, org_admin: name at least one value, or nobody can log in");
        }
    }

    /** @param ttl how long a bootstrap link stays valid (default 15m, 1m..24h) */
    public record Bootstrap(Duration ttl) {
        public static final Bootstrap DEFAULTS = new Bootstrap(null);

        public Bootstrap {
            ttl = ttl == null ? Duration.ofMinutes(15) : ttl;
            if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("ttl: " + Durations.format(ttl) + " (expected: 1m..24h)");
            }
        }
    }
}
