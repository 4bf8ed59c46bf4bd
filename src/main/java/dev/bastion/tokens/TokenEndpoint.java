package dev.bastion.tokens;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bastion.authn.RevocationList;
import dev.bastion.authn.UserDirectory;
import dev.bastion.authn.jwt.BearerTokens;
import dev.bastion.authn.jwt.IdpTokenVerifier;
import dev.bastion.authn.jwt.VerifiedClaims;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.config.Rate;
import dev.bastion.config.TokensConfig;
import dev.bastion.chain.Json;
import dev.bastion.store.Client;
import dev.bastion.store.IssuedTokenRepository;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token} (A5, A6): the {@code client_credentials} grant for machine clients (client
 * authentication by HTTP Basic or form, RFC 6749 §2.3.1) and RFC 8693 token exchange of an identity
 * provider's JWT for a short-lived Bastion token with exactly the mapped claims. Errors follow RFC 6749
 * §5.2. Failed client authentications are counted per client id: after {@code failures_per_client} the
 * client id is refused with 429 before its secret is even looked at, so guessing is bounded; requests per
 * IP are limited by the route's own limit.
 */
public final class TokenEndpoint implements LocalEndpoint {
    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private final ClientService clients;
    private final TokenIssuer issuer;
    private final IdpTokenVerifier idp;
    private final UserDirectory users;
    private final RevocationList revocations;
    private final IssuedTokenRepository issued;
    private final TokensConfig config;
    private final Executor storeExecutor;
    private final Cache<String, Bucket> failures;
    private final Bandwidth failureBandwidth;

    public TokenEndpoint(ClientService clients, TokenIssuer issuer, IdpTokenVerifier idp, UserDirectory users, RevocationList revocations,
                         IssuedTokenRepository issued, TokensConfig config, Executor storeExecutor) {
        this.clients = clients;
        this.issuer = issuer;
        this.idp = idp;
        this.users = users;
        this.revocations = revocations;
        this.issued = issued;
        this.config = config;
        this.storeExecutor = storeExecutor;
        Rate r = config.endpoint().failuresPerClient();
        this.failureBandwidth = Bandwidth.builder().capacity(r.count()).refillGreedy(r.count(), r.period()).build();
        this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(r.period().multipliedBy(2)).build();
    }

    /** An RFC 6749 §5.2 error. {@code description} is Bastion's own text: it never quotes the request. */
    record OAuthError(int status, String error, String description, Map<String, String> headers) {
        OAuthError(int status, String error, String description) {
            this(status, error, description, Map.of());
        }
    }

    /**
     * A malformed request, described in a fixed text. Exceptions from decoding (Netty's quote the whole
     * form, {@code client_secret} and {@code subject_token} included) are never turned into a response.
     */
    /** A token request has a handful of parameters; a form with more is refused, never read in part. */
    static final int MAX_FORM_PARAMETERS = 64;

    static final class Malformed extends Exception {
        Malformed(String description) {
            super(description, null, false, false);
        }
    }

    @Override
    public Future<Verdict> handle(Exchange ex) {
        Map<String, List<String>> params;
        try {
            params = form(ex);
        } catch (Malformed e) {
            return error(ex, new OAuthError(400, "invalid_request", e.getMessage()));
        }
        String grant = single(params, "grant_type");
        if (grant == null) return error(ex, new OAuthError(400, "invalid_request", "grant_type is required."));
        return switch (grant) {
            case "client_credentials" -> clientCredentials(ex, params);
            case TOKEN_EXCHANGE -> exchange(ex, params);
            default -> error(ex, new OAuthError(400, "unsupported_grant_type", "Supported: client_credentials, token-exchange."));
        };
    }

    private Future<Verdict> clientCredentials(Exchange ex, Map<String, List<String>> params) {
        String[] creds;
        try {
            creds = clientCredentialsOf(ex, params);
        } catch (Malformed e) {
            return error(ex, new OAuthError(400, "invalid_request", e.getMessage()));
        }
        boolean basic = ex.headers().contains("Authorization");
        OAuthError invalidClient = new OAuthError(401, "invalid_client", "Client authentication failed.",
                basic ? Map.of("WWW-Authenticate", "Basic realm=\"bastion\"") : Map.of());
        if (creds == null) return error(ex, invalidClient);
        String clientId = creds[0];
        Bucket bucket = failures.get(clientId, k -> Bucket.builder().addLimit(failureBandwidth).build());
        if (bucket.getAvailableTokens() <= 0) {
            log.warn("security_event token_guessing_throttled client_id={} client_ip={} request_id={}", safe(clientId), ex.clientIp(), ex.requestId());
            long wait = Math.max(1, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill() / 1_000_000_000L);
            return error(ex, new OAuthError(429, "slow_down", "Too many failed attempts for this client; retry later.",
                    Map.of("Retry-After", Long.toString(wait))));
        }
        Set<String> requested;
        try {
            requested = scopes(single(params, "scope"));
        } catch (Malformed e) {
            return error(ex, new OAuthError(400, "invalid_request", e.getMessage()));
        }
        String aud;
        try {
            aud = audience(params);
        } catch (Malformed e) {
            return error(ex, new OAuthError(400, "invalid_target", e.getMessage()));
        }
        return blocking(() -> clients.authenticate(clientId, creds[1])).compose(outcome -> {
            if (outcome instanceof ClientService.Failed f) {
                bucket.tryConsume(1);
                log.warn("security_event client_auth_failed client_id={} cause={} client_ip={} request_id={}", safe(clientId),
                        f.failure().name().toLowerCase(), ex.clientIp(), ex.requestId());
                return error(ex, invalidClient);
            }
            Client c = ((ClientService.Authenticated) outcome).client();
            Identity probe = new Identity(c.id(), c.orgId(), Set.of(), Set.of(), "bastion_token", null, "bastion", null, c.id(), null);
            if (revocations.revokedReason(probe) != null) return error(ex, invalidClient);
            Set<String> granted = requested.isEmpty() ? c.scopes() : requested;
            if (!c.scopes().containsAll(granted)) return error(ex, new OAuthError(400, "invalid_scope", "A requested scope is not granted to this client."));
            Duration ttl = c.tokenTtl() != null ? c.tokenTtl() : config.ttl();
            TokenIssuer.Minted t = issuer.accessToken(c.id(), c.orgId(), granted, Set.of(), aud, ttl, c.id());
            return record(t, c.orgId(), c.id()).map(v -> success(t, granted, ACCESS_TOKEN_TYPE, false));
        });
    }

    private Future<Verdict> exchange(Exchange ex, Map<String, List<String>> params) {
        String subjectToken = single(params, "subject_token");
        String subjectType = single(params, "subject_token_type");
        if (subjectToken == null || subjectType == null) {
            return error(ex, new OAuthError(400, "invalid_request", "subject_token and subject_token_type are required."));
        }
        if (!JWT_TYPE.equals(subjectType) && !ACCESS_TOKEN_TYPE.equals(subjectType)) {
            return error(ex, new OAuthError(400, "invalid_request", "subject_token_type must be a JWT or an access token."));
        }
        if (single(params, "actor_token") != null) return error(ex, new OAuthError(400, "invalid_request", "Delegation (actor_token) is not supported."));
        String requestedType = single(params, "requested_token_type");
        if (requestedType != null && !ACCESS_TOKEN_TYPE.equals(requestedType) && !JWT_TYPE.equals(requestedType)) {
            return error(ex, new OAuthError(400, "invalid_request", "Only access tokens can be issued."));
        }
        String aud;
        try {
            aud = audience(params);
        } catch (Malformed e) {
            return error(ex, new OAuthError(400, "invalid_target", e.getMessage()));
        }
        Set<String> requested;
        try {
            requested = scopes(single(params, "scope"));
        } catch (Malformed e) {
            return error(ex, new OAuthError(400, "invalid_request", e.getMessage()));
        }
        if (subjectToken.length() > BearerTokens.MAX_LENGTH) return error(ex, new OAuthError(400, "invalid_grant", "The subject token is not valid."));
        OAuthError invalidGrant = new OAuthError(400, "invalid_grant", "The subject token is not valid.");
        return idp.verify(subjectToken, BearerTokens.unverifiedIssuer(subjectToken), Set.of()).compose(outcome -> {
            if (!(outcome instanceof IdpTokenVerifier.Verified v)) {
                log.warn("security_event token_exchange_refused reason={} client_ip={} request_id={}",
                        outcome instanceof IdpTokenVerifier.Rejected r ? r.reason() : "issuer_untrusted", ex.clientIp(), ex.requestId());
                return error(ex, invalidGrant);
            }
            VerifiedClaims c = v.claims();
            if (c.org() == null) return error(ex, invalidGrant);
            return users.resolve(c).compose(res -> {
                if (res.user().isEmpty()) return error(ex, new OAuthError(400, "invalid_grant", "The subject token's org is not known."));
                String userId = res.user().get().id();
                Identity probe = new Identity(c.subject(), c.org(), c.scopes(), c.roles(), "jwt", null, c.issuerName(), userId, null, c.jti());
                if (revocations.revokedReason(probe) != null) return error(ex, invalidGrant);
                Set<String> granted = requested.isEmpty() ? c.scopes() : requested;
                if (!c.scopes().containsAll(granted)) return error(ex, new OAuthError(400, "invalid_scope", "A requested scope is not in the subject token."));
                // Never outlive the token it was exchanged for.
                Duration left = Duration.between(clients.now(), c.expiresAt());
                Duration ttl = left.compareTo(config.exchangeTtl()) < 0 ? left : config.exchangeTtl();
                if (ttl.isNegative() || ttl.isZero()) return error(ex, invalidGrant);
                TokenIssuer.Minted t = issuer.accessToken(userId, c.org(), granted, c.roles(), aud, ttl, null);
                return record(t, c.org(), userId).map(x -> success(t, granted, ACCESS_TOKEN_TYPE, true));
            });
        });
    }

    private Future<Void> record(TokenIssuer.Minted t, String orgId, String subject) {
        return blocking(() -> {
            issued.insert(new IssuedTokenRepository.IssuedToken(t.jti(), orgId, subject, t.expiresAt()));
            return null;
        });
    }

    private static Verdict success(TokenIssuer.Minted t, Set<String> scopes, String issuedType, boolean exchange) {
        long expiresIn = Math.max(0, Duration.between(Instant.now(), t.expiresAt()).toSeconds());
        StringBuilder sb = new StringBuilder("{\"access_token\":");
        Json.string(sb, t.token()).append(",\"token_type\":\"Bearer\",\"expires_in\":").append(expiresIn).append(",\"scope\":");
        Json.string(sb, String.join(" ", new java.util.TreeSet<>(scopes)));
        if (exchange) sb.append(",\"issued_token_type\":\"").append(issuedType).append('"');
        sb.append('}');
        return LocalEndpoint.answer(200, Map.of("Content-Type", "application/json", "Cache-Control", "no-store", "Pragma", "no-cache"), sb.toString());
    }

    private static Future<Verdict> error(Exchange ex, OAuthError e) {
        StringBuilder sb = new StringBuilder("{\"error\":");
        Json.string(sb, e.error()).append(",\"error_description\":");
        Json.string(sb, e.description()).append(",\"request_id\":");
        Json.string(sb, ex.requestId()).append('}');
        ex.errorCode(e.error());
        Map<String, String> headers = new java.util.HashMap<>(e.headers());
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        return Future.succeededFuture(LocalEndpoint.answer(e.status(), headers, sb.toString()));
    }

    /** Client credentials from HTTP Basic or the form; both at once, or a partial set, is a malformed request. */
    private static String[] clientCredentialsOf(Exchange ex, Map<String, List<String>> params) throws Malformed {
        String header = ex.headers().get("Authorization");
        String formId = single(params, "client_id");
        String formSecret = single(params, "client_secret");
        if (header != null) {
            if (formSecret != null) throw new Malformed("Use one client authentication method, not two.");
            if (!header.regionMatches(true, 0, "Basic ", 0, 6)) return null;
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) return null;
            // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
            String id, secret;
            try {
                id = QueryStringDecoder.decodeComponent(decoded.substring(0, colon), StandardCharsets.UTF_8);
                secret = QueryStringDecoder.decodeComponent(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Malformed("The Basic credentials are not valid form encoding.");
            }
            if (formId != null && !formId.equals(id)) throw new Malformed("client_id does not match the Basic credentials.");
            return new String[] {id, secret};
        }
        if (formId == null || formSecret == null) return null;
        return new String[] {formId, formSecret};
    }

    private static Map<String, List<String>> form(Exchange ex) throws Malformed {
        return form(ex.headers().get("Content-Type"), ex.body());
    }

    /** The request's form parameters (the fuzzed parser: TokenFormFuzzTest). */
    static Map<String, List<String>> form(String type, Buffer rawBody) throws Malformed {
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new Malformed("The body must be application/x-www-form-urlencoded.");
        }
        String body = rawBody == null ? "" : rawBody.toString(StandardCharsets.UTF_8);
        // Split on '&' only (WHATWG URL §5.1; RFC 6749 Appendix B). Netty's QueryStringDecoder, used before, also
        // split on ';' — "client_id=a;client_secret=b" became two parameters — read "=x" as a parameter named x,
        // and silently dropped every parameter after the 1024th, so a repeated one there went unnoticed
        // (found by TokenFormFuzzTest).
        Map<String, List<String>> params = new LinkedHashMap<>();
        int count = 0;
        for (int start = 0; start <= body.length(); ) {
            int amp = body.indexOf('&', start);
            if (amp < 0) amp = body.length();
            if (amp > start) {
                if (++count > MAX_FORM_PARAMETERS) throw new Malformed("The form has too many parameters.");
                int eq = body.indexOf('=', start);
                if (eq < 0 || eq > amp) eq = amp;
                try {
                    String name = QueryStringDecoder.decodeComponent(body.substring(start, eq), StandardCharsets.UTF_8);
                    String value = eq == amp ? "" : QueryStringDecoder.decodeComponent(body.substring(eq + 1, amp), StandardCharsets.UTF_8);
                    params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
                } catch (IllegalArgumentException e) {
                    throw new Malformed("The body is not valid form encoding.");
                }
            }
            start = amp + 1;
        }
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            // RFC 6749 §3.1: request parameters must not be included more than once. The name is the
            // caller's text, so it is not quoted back. RFC 8707 §2 lets resource repeat (audience() decides).
            if (e.getValue().size() > 1 && !"resource".equals(e.getKey())) throw new Malformed("A parameter is repeated.");
        }
        return params;
    }

    /**
     * The token's one {@code aud}: {@code audience} (RFC 8693) or {@code resource} (RFC 8707: an absolute URI without a
     * fragment), else the default. A token serves one audience — so it cannot be replayed at another resource server —
     * hence several different resources, or an audience and a resource that differ, are {@code invalid_target}, as is
     * one not in {@code tokens.audiences} (compared exactly).
     */
    private String audience(Map<String, List<String>> params) throws Malformed {
        String audience = single(params, "audience");
        List<String> resources = params.getOrDefault("resource", List.of());
        String resource = null;
        for (String r : resources) {
            URI uri;
            try {
                uri = new URI(r);
            } catch (URISyntaxException e) {
                throw new Malformed("resource must be an absolute URI.");
            }
            if (!uri.isAbsolute() || uri.getRawFragment() != null) throw new Malformed("resource must be an absolute URI without a fragment.");
            if (resource != null && !resource.equals(r)) throw new Malformed("One resource per token: ask for a token for each.");
            resource = r;
        }
        if (audience != null && resource != null && !audience.equals(resource)) throw new Malformed("audience and resource name different targets.");
        String aud = resource != null ? resource : audience != null ? audience : config.audience();
        if (!config.audiences().contains(aud)) throw new Malformed("This audience is not served.");
        return aud;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static Set<String> scopes(String scope) throws Malformed {
        Set<String> out = new LinkedHashSet<>();
        if (scope == null) return out;
        for (String s : scope.split(" ")) {
            if (s.isEmpty()) continue;
            if (s.length() > 64 || !s.matches("[a-z][a-z0-9:._-]*")) throw new Malformed("scope is malformed.");
            out.add(s);
        }
        return out;
    }

    /** Client ids are not secret, but they are caller input: keep them short and printable in logs. */
    private static String safe(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) : s;
        return t.replaceAll("[^A-Za-z0-9_-]", "?");
    }

    private <T> Future<T> blocking(java.util.function.Supplier<T> work) {
        CompletableFuture<T> f = CompletableFuture.supplyAsync(work, storeExecutor);
        Context ctx = Vertx.currentContext();
        return ctx == null ? Future.fromCompletionStage(f) : Future.fromCompletionStage(f, ctx);
    }
}
