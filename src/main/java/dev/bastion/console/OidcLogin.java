package dev.bastion.console;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.bastion.admin.AdminRole;
import dev.bastion.authn.ApiKeys;
import dev.bastion.authn.Credentials;
import dev.bastion.authn.jwt.JwksFetcher;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.config.ConsoleConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.ConsoleRepository;
import dev.bastion.store.OrgRepository;
import dev.bastion.store.User;
import dev.bastion.store.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Login with the configured identity provider (issue 21): OpenID Connect authorization code flow with PKCE (S256),
 * {@code state} and {@code nonce}.
 *
 * <p>{@code GET /console/login} makes a state, stores its hash bound to the hash of a fresh pre-login cookie
 * ({@code __Host-bastion_login}, ten minutes, {@code SameSite=Lax} so it comes back with the IdP's redirect), and
 * sends the browser to the IdP. The PKCE verifier and the nonce are derived from that cookie and the state, so the
 * store holds nothing that finishes a login. {@code GET /console/callback} takes the state once (single use across
 * nodes), checks it belongs to this browser, checks RFC 9207's {@code iss} when present, redeems the code at the token
 * endpoint (client_secret_basic, the verifier, the exact redirect URI) through the egress connector, and verifies the
 * ID token with Nimbus against the issuer's JWKS: signature (asymmetric algorithms only), {@code iss} equal to the
 * discovered issuer, {@code aud} holding the client id, {@code azp} (required with several audiences), {@code exp},
 * {@code iat}, {@code nonce}. The role and org come from the token's claims ({@code console.oidc.roles},
 * {@code org_claim}); a user with neither role, or of an unknown org, is sent to the login page's "not authorized"
 * notice, and the refusal is audited. No code, token or claim value is ever logged or audited.
 */
public final class OidcLogin {
    static final String LOGIN_COOKIE = "__Host-bastion_login";
    private static final Duration LOGIN_TTL = Duration.ofMinutes(10);
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ClientProfile PROFILE = new ClientProfile("console-idp", Duration.ofSeconds(10), 4, Duration.ofSeconds(30), 32 * 1024, true);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** The IdP's endpoints, from its discovery document. */
    record Provider(String issuer, URI authorization, URI token, URI jwks) {}

    private final Vertx vertx;
    private final ConsoleConfig.Oidc oidc;
    private final Supplier<String> clientSecret;
    private final OutboundConnector connector;
    private final JwksFetcher fetcher;
    private final ConsoleSessions sessions;
    private final ConsoleRepository repo;
    private final UserRepository users;
    private final OrgRepository orgs;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<String> origin;
    private volatile Future<Provider> provider;

    /** @param clientSecret read when a code is redeemed (a rotated file is picked up); blocking: called on a worker */
    public OidcLogin(Vertx vertx, ConsoleConfig.Oidc oidc, Supplier<String> clientSecret, OutboundConnector connector, ConsoleSessions sessions,
                     ConsoleRepository repo, UserRepository users, OrgRepository orgs, AuditLog audit, Clock clock, Supplier<String> origin) {
        this.vertx = vertx;
        this.oidc = oidc;
        this.clientSecret = clientSecret;
        this.connector = connector;
        this.fetcher = new JwksFetcher(connector);
        this.sessions = sessions;
        this.repo = repo;
        this.users = users;
        this.orgs = orgs;
        this.audit = audit;
        this.clock = clock;
        this.origin = origin;
    }

    /** {@code GET /console/login}. */
    public LocalEndpoint start() {
        return ex -> provider().compose(p -> {
            String state = Credentials.randomBase62(43);
            String browser = Credentials.randomBase62(43);
            return vertx.executeBlocking(() -> {
                repo.insertLogin(ApiKeys.hash(state), ApiKeys.hash(browser), clock.instant().plus(LOGIN_TTL), clock.instant());
                String url = p.authorization() + (p.authorization().getRawQuery() == null ? "?" : "&") + form(Map.of(
                        "response_type", "code", "client_id", oidc.clientId(), "redirect_uri", redirectUri(), "scope", String.join(" ", oidc.scopes()),
                        "state", state, "nonce", derive("nonce", browser, state), "code_challenge", challenge(derive("pkce", browser, state)),
                        "code_challenge_method", "S256"));
                return redirect(url, List.of(Map.entry("Set-Cookie", LOGIN_COOKIE + "=" + browser + "; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age="
                        + LOGIN_TTL.toSeconds())));
            });
        });
    }

    /** {@code GET /console/callback?code&state[&iss]}. */
    public LocalEndpoint callback() {
        return ex -> {
            Map<String, String> q = query(ex.rawQuery());
            if (q.containsKey("error")) return refuse(ex, 401, "login_refused_by_idp", "The identity provider did not complete the login.");
            String state = q.get("state"), code = q.get("code");
            String browser = cookie(String.join("; ", ex.headers().getAll("Cookie")));
            if (state == null || code == null || code.isEmpty() || code.length() > 2048 || !ConsoleEndpoints.TOKEN.matcher(state).matches()
                    || browser == null || !ConsoleEndpoints.TOKEN.matcher(browser).matches()) {
                return refuse(ex, 400, "login_state_invalid", "This login is unknown, expired, already used or was started in another browser.");
            }
            return provider().compose(p -> vertx.executeBlocking(() -> repo.takeLogin(ApiKeys.hash(state), clock.instant())
                    .filter(bound -> bound.equals(ApiKeys.hash(browser))).isPresent()).compose(valid -> {
                if (!valid) return refuse(ex, 400, "login_state_invalid", "This login is unknown, expired, already used or was started in another browser.");
                // RFC 9207: an answer naming another issuer came from another IdP (a mix-up attack) and is not redeemed.
                if (q.containsKey("iss") && !p.issuer().equals(q.get("iss"))) {
                    return refuse(ex, 400, "login_issuer_mismatch", "The authorization response names another issuer.");
                }
                return redeem(p, code, derive("pkce", browser, state))
                        .compose(idToken -> verify(p, idToken, derive("nonce", browser, state)))
                        .compose(claims -> vertx.executeBlocking(() -> login(ex, claims)))
                        .recover(e -> refuse(ex, 401, "login_token_invalid", "The identity provider's answer could not be verified."));
            }));
        };
    }

    private Verdict login(Exchange ex, JWTClaimsSet claims) {
        AdminRole role = roleOf(claims.getClaim(oidc.roles().claim()));
        Object orgClaim = claims.getClaim(oidc.orgClaim());
        String org = orgClaim instanceof String s && OrgRepository.isValidId(s) && orgs.find(s).isPresent() ? s : null;
        if (role == null || org == null) {
            audit.event("console.login_refused", ConsoleEndpoints.fields(ex, org, null, "oidc", role == null ? "no_console_role" : "unknown_org"));
            return redirect("/console/?error=not_authorized", List.of(Map.entry("Set-Cookie", clearedLoginCookie())));
        }
        String sub = claims.getSubject();
        User u = users.findByExternal(oidc.issuer().toString(), sub).orElseGet(() -> users.insertIfAbsent(new User("usr_" + Credentials.randomBase62(16), org,
                oidc.issuer().toString(), sub, ConsoleSessions.wire(role), clock.instant(), clock.instant())));
        if (!u.orgId().equals(org) || !ConsoleSessions.wire(role).equals(u.role())) users.seen(u.id(), org, ConsoleSessions.wire(role), clock.instant());
        ConsoleSessions.Opened s = sessions.open(org, u.id(), u.id(), role, "oidc");
        audit.event("console.login", ConsoleEndpoints.fields(ex, org, u.id(), "oidc", null));
        return redirect("/console/overview.html", List.of(Map.entry("Set-Cookie", ConsoleSessions.cookie(s.id())), Map.entry("Set-Cookie", clearedLoginCookie())));
    }

    /** Operator when a value is in {@code roles.operator}, else org admin when one is in {@code roles.org_admin}, else null. */
    AdminRole roleOf(Object claim) {
        Collection<?> values = claim instanceof String s ? List.of(s) : claim instanceof Collection<?> c ? c : List.of();
        if (values.stream().anyMatch(oidc.roles().operator()::contains)) return AdminRole.OPERATOR;
        if (values.stream().anyMatch(oidc.roles().orgAdmin()::contains)) return AdminRole.ORG_ADMIN;
        return null;
    }

    /** The discovery document, fetched once (again after a failure); its issuer must be the configured one. */
    private Future<Provider> provider() {
        Future<Provider> p = provider;
        if (p != null && !p.failed()) return p;
        URI doc = URI.create(oidc.issuer().toString().replaceAll("/+$", "") + "/.well-known/openid-configuration");
        p = fetcher.get(doc, TIMEOUT).map(text -> {
            JsonObject d = new JsonObject(text);
            String issuer = d.getString("issuer");
            if (!oidc.issuer().toString().equals(issuer)) throw new IllegalStateException("discovered issuer differs from console.oidc.issuer");
            return new Provider(issuer, URI.create(d.getString("authorization_endpoint")), URI.create(d.getString("token_endpoint")), URI.create(d.getString("jwks_uri")));
        });
        provider = p;
        return p;
    }

    private Future<String> redeem(Provider p, String code, String verifier) {
        return vertx.executeBlocking(clientSecret::get).compose(secret -> {
            String basic = Base64.getEncoder().encodeToString((enc(oidc.clientId()) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
            String path = p.token().getRawPath() + (p.token().getRawQuery() == null ? "" : "?" + p.token().getRawQuery());
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).putHeader("Authorization", "Basic " + basic)
                    .putHeader("Content-Type", "application/x-www-form-urlencoded").putHeader("Accept", "application/json");
            Buffer body = Buffer.buffer(form(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri(), "code_verifier", verifier)));
            return connector.whole(Destination.of(p.token()), PROFILE, options, body, 256 * 1024, TIMEOUT);
        }).map(resp -> {
            if (resp.status() != 200) throw new IllegalStateException("token endpoint answered " + resp.status());
            String idToken = new JsonObject(resp.body()).getString("id_token");
            if (idToken == null) throw new IllegalStateException("no id_token");
            return idToken;
        });
    }

    private Future<JWTClaimsSet> verify(Provider p, String idToken, String nonce) {
        return fetcher.get(p.jwks(), TIMEOUT).compose(jwks -> vertx.executeBlocking(() -> {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
            DefaultJWTClaimsVerifier<SecurityContext> rules = new DefaultJWTClaimsVerifier<>(Set.of(oidc.clientId()),
                    new JWTClaimsSet.Builder().issuer(p.issuer()).claim("nonce", nonce).build(), Set.of("sub", "iat", "exp"), null);
            rules.setMaxClockSkew((int) SKEW.toSeconds());
            processor.setJWTClaimsSetVerifier(rules);
            JWTClaimsSet claims = processor.process(SignedJWT.parse(idToken), null);
            if (claims.getIssueTime().toInstant().isAfter(clock.instant().plus(SKEW))) throw new IllegalStateException("iat in the future");
            Object azp = claims.getClaim("azp");
            if (azp != null ? !oidc.clientId().equals(azp) : claims.getAudience().size() > 1) throw new IllegalStateException("azp");
            return claims;
        }));
    }

    private String redirectUri() {
        return origin.get() + "/console/callback";
    }

    private Future<Verdict> refuse(Exchange ex, int status, String code, String message) {
        audit.event("console.login_refused", ConsoleEndpoints.fields(ex, null, null, "oidc", code));
        return Future.succeededFuture(new Verdict.Deny(status, code, message, Map.of("Set-Cookie", clearedLoginCookie())));
    }

    private static String clearedLoginCookie() {
        return LOGIN_COOKIE + "=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0";
    }

    private static Verdict redirect(String location, List<Map.Entry<String, String>> extra) {
        List<Map.Entry<String, String>> h = new ArrayList<>(List.of(Map.entry("Location", location), Map.entry("Cache-Control", "no-store")));
        h.addAll(extra);
        return new Verdict.Respond(303, h, Buffer.buffer());
    }

    /** A value bound to this browser's pre-login cookie and this state, never stored: base64url(SHA-256(purpose, cookie, state)). */
    static String derive(String purpose, String browser, String state) {
        return b64(sha256("bastion-console-" + purpose + ":" + browser + ":" + state));
    }

    static String challenge(String verifier) {
        return b64(sha256(verifier));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String cookie(String header) {
        String found = null;
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(LOGIN_COOKIE + "=")) {
                if (found != null) return null;
                found = p.substring(LOGIN_COOKIE.length() + 1);
            }
        }
        return found;
    }

    private static String form(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The query's parameters; a parameter given twice is dropped, so no one can choose which copy is read. */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        Set<String> twice = new java.util.HashSet<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            try {
                String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.put(k, v) != null) twice.add(k);
            } catch (IllegalArgumentException e) {
                // a malformed escape: the parameter is not read
            }
        }
        twice.forEach(out::remove);
        return out;
    }
}
