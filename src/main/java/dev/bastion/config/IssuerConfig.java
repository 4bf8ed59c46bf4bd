package dev.bastion.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An identity provider whose JWTs Bastion accepts (A1, A2, A3): Clerk, Cognito, Auth0, Keycloak, or any
 * OIDC issuer.
 *
 * @param name              id used by routes ({@code auth.issuers}) and logs
 * @param issuer            the exact {@code iss} value, e.g. {@code https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ABC}
 * @param jwksUri           where the signing keys are; omit to use OIDC discovery ({@code issuer + /.well-known/openid-configuration})
 * @param audiences         accepted {@code aud} values; at least one of {@code audiences} or {@code authorized_parties} is required
 * @param algorithms        accepted signature algorithms; default {@code RS256, ES256, EdDSA}; HMAC and {@code none} cannot be listed
 * @param authorizedParties accepted {@code azp} (or the claim named by {@code claims.authorized_party}); when set, tokens without it are refused
 * @param requiredScopes    scopes every token from this issuer must carry
 * @param clockSkew         tolerance for {@code exp}, {@code nbf}, {@code iat}; default 60s, at most 5m
 * @param claims            which claims carry subject, org, role, scopes and authorized party
 * @param defaultOrg        org for tokens that carry no org claim (single-tenant apps); otherwise such tokens are refused
 * @param autoCreateOrgs    create an org on first sight instead of refusing tokens for unknown orgs; default false
 * @param jwks              caching and refetch limits for the key set
 * @param machine           which of this issuer's tokens are machines' (client credentials): bot control never scores
 *                          them, as it never scores API keys; absent: every token is a person's
 */
public record IssuerConfig(String name, String issuer, URI jwksUri, List<String> audiences, List<String> algorithms,
                           List<String> authorizedParties, List<String> requiredScopes, Duration clockSkew, Claims claims,
                           String defaultOrg, Boolean autoCreateOrgs, Jwks jwks, Machine machine) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256", "EdDSA");
    private static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519");

    public IssuerConfig {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("name: " + (name == null ? "missing" : "'" + name + "'") + " (expected: [a-z0-9_-], up to 32)");
        if (issuer == null || issuer.isBlank()) throw new IllegalArgumentException("issuer: missing (expected: the exact iss value)");
        URI base = jwksUri != null ? jwksUri : URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())) {
            throw new IllegalArgumentException((jwksUri != null ? "jwks_uri" : "issuer") + ": '" + base + "' is not an http(s) URL");
        }
        if (base.getHost() == null || base.getRawUserInfo() != null) throw new IllegalArgumentException("jwks_uri: '" + base + "' needs a host and no credentials");
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        authorizedParties = authorizedParties == null ? List.of() : List.copyOf(authorizedParties);
        if (audiences.isEmpty() && authorizedParties.isEmpty()) {
            // Without either, any token the IdP ever issued for any application would be accepted here.
            throw new IllegalArgumentException("audiences: give audiences or authorized_parties, or tokens minted for other apps of this IdP are accepted");
        }
        algorithms = algorithms == null ? DEFAULT_ALGORITHMS : List.copyOf(algorithms);
        if (algorithms.isEmpty()) throw new IllegalArgumentException("algorithms: empty");
        for (String a : algorithms) {
            if (!ASYMMETRIC.contains(a)) {
                throw new IllegalArgumentException("algorithms: '" + a + "' is not allowed (expected asymmetric algorithms only: " + ASYMMETRIC.stream().sorted().toList() + ")");
            }
        }
        requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
        clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) throw new IllegalArgumentException("clock_skew: " + Durations.format(clockSkew) + " (expected: 0s..5m)");
        claims = claims == null ? Claims.DEFAULTS : claims;
        autoCreateOrgs = autoCreateOrgs != null && autoCreateOrgs;
        jwks = jwks == null ? Jwks.DEFAULTS : jwks;
    }

    /** True when the JWKS location comes from OIDC discovery. */
    public boolean discovery() {
        return jwksUri == null;
    }

    /**
     * Claim names (literal, so {@code custom:org_id} and namespaced URLs work). A name starting with
     * {@code /} is a JSON pointer into nested claims ({@code /org/id}).
     *
     * @param subject         default {@code sub}
     * @param org             default {@code org_id}; Cognito: {@code custom:org_id}
     * @param role            default {@code role}; Cognito: {@code custom:role}; values outside reader/writer/admin are ignored
     * @param scope           default {@code scope} (space-separated); {@code scp} (array or string) is also read when {@code scope} is absent
     * @param authorizedParty default {@code azp}; Cognito access tokens: {@code client_id}
     */
    public record Claims(String subject, String org, String role, String scope, String authorizedParty) {
        static final Claims DEFAULTS = new Claims(null, null, null, null, null);

        public Claims {
            subject = subject == null ? "sub" : subject;
            org = org == null ? "org_id" : org;
            role = role == null ? "role" : role;
            scope = scope == null ? "scope" : scope;
            authorizedParty = authorizedParty == null ? "azp" : authorizedParty;
        }
    }

    /**
     * A token is a machine's when its claim {@code claim} (a literal name, or a JSON pointer starting with {@code /})
     * is one of {@code values}, or is a list holding one: Auth0 marks client-credentials tokens {@code gty:
     * client-credentials}, Entra ID app tokens {@code idtyp: app}. There is no default: a token without a user is
     * not something every IdP says the same way, and a wrong guess would exempt people's tokens from bot control.
     */
    public record Machine(String claim, List<String> values) {
        public Machine {
            if (claim == null || claim.isBlank()) throw new IllegalArgumentException("machine.claim: missing (e.g. gty)");
            if (values == null || values.isEmpty() || values.stream().anyMatch(v -> v == null || v.isEmpty())) {
                throw new IllegalArgumentException("machine.values: give the claim values that mark a machine's token (e.g. [client-credentials])");
            }
            values = List.copyOf(values);
        }
    }

    /**
     * @param cacheTtl           how long fetched keys are used before a background refresh; default 10m
     * @param minRefetchInterval an unknown {@code kid} triggers at most one fetch per this interval; default 30s
     * @param maxStale           keys are still used this long after the last successful fetch while the IdP is unreachable; default 24h
     * @param timeout            per fetch (connect and response); default 5s
     */
    public record Jwks(Duration cacheTtl, Duration minRefetchInterval, Duration maxStale, Duration timeout) {
        static final Jwks DEFAULTS = new Jwks(null, null, null, null);

        public Jwks {
            cacheTtl = cacheTtl == null ? Duration.ofMinutes(10) : cacheTtl;
            minRefetchInterval = minRefetchInterval == null ? Duration.ofSeconds(30) : minRefetchInterval;
            maxStale = maxStale == null ? Duration.ofHours(24) : maxStale;
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
            EdgeConfig.requirePositive("cache_ttl", cacheTtl);
            EdgeConfig.requirePositive("min_refetch_interval", minRefetchInterval);
            EdgeConfig.requirePositive("timeout", timeout);
            if (maxStale.compareTo(cacheTtl) < 0) throw new IllegalArgumentException("max_stale: shorter than cache_ttl");
        }
    }
}
