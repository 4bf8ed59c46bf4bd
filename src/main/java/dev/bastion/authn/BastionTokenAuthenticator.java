package dev.bastion.authn;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bastion.authn.jose.JwsVerifier;
import dev.bastion.authn.jose.TrustedKeys;
import dev.bastion.authn.jwt.BearerTokens;
import dev.bastion.authn.jwt.NumericDates;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.RouteConfig;
import dev.bastion.store.OrgRepository;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Bastion's own access tokens ({@code auth.methods: [bastion_token]}), verified like any other issuer's —
 * against the published signing keys, with {@code iss}, {@code aud}, {@code exp}, {@code nbf} and the
 * access-token type checked. The identity tokens Bastion sends to upstreams have another type and are
 * refused here, so an upstream cannot replay one as a credential.
 */
public final class BastionTokenAuthenticator implements Authenticator {
    private static final long SKEW_SECONDS = 60;
    private static final Duration MAX_LIFETIME = Duration.ofHours(24).plusMinutes(5);
    private static final JOSEObjectType ACCESS_TOKEN = new JOSEObjectType("at+jwt");

    private final String issuer;
    private final Supplier<TrustedKeys> keys;
    private final TokenCache cache;
    private final Set<String> audiences;
    private final Clock clock;

    public BastionTokenAuthenticator(String issuer, Supplier<TrustedKeys> keys, TokenCache cache, List<String> audiences, Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.cache = cache;
        this.audiences = Set.copyOf(audiences);
        this.clock = clock;
    }

    @Override
    public String kind() {
        return "bastion_token";
    }

    @Override
    public Future<AuthResult> authenticate(Exchange ex) {
        String token = BearerTokens.jwt(ex);
        if (token == null) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
        if (token.length() > BearerTokens.MAX_LENGTH) return rejected("token_malformed");
        String hash = BearerTokens.hash(token);
        TokenCache.Entry hit = cache.get(hash);
        if (hit != null) {
            if (!"bastion_token".equals(hit.source())) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
            if (!keys.get().containsKid(hit.kid())) return rejected("token_no_matching_key"); // its key was withdrawn
            if (hit.audiences().stream().noneMatch(audiences::contains)) return rejected("token_audience_mismatch");
            return Future.succeededFuture(new AuthResult.Authenticated(hit.identity()));
        }
        if (!issuer.equals(BearerTokens.unverifiedIssuer(token))) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
        JwsVerifier.Result r = JwsVerifier.verify(token, keys.get());
        if (r instanceof JwsVerifier.Rejected rej) return rejected(rej.reason().replace("jws_", "token_"));
        JwsVerifier.Verified v = (JwsVerifier.Verified) r;
        if (!ACCESS_TOKEN.equals(v.jws().getHeader().getType())) return rejected("token_type_invalid");
        Map<String, Object> c;
        try {
            c = JSONObjectUtils.parse(v.jws().getPayload().toString());
        } catch (java.text.ParseException e) {
            return rejected("token_malformed");
        }
        // The skew widens now, never the token's dates: those may be as far as Instant goes (NumericDates).
        Instant now = clock.instant(), earliest = now.minusSeconds(SKEW_SECONDS), latest = now.plusSeconds(SKEW_SECONDS);
        if (!issuer.equals(c.get("iss"))) return rejected("token_issuer_mismatch");
        if (!(c.get("exp") instanceof Number exp)) return rejected("token_malformed");
        Instant expiresAt = NumericDates.toInstant(exp);
        if (!earliest.isBefore(expiresAt)) return rejected("token_expired");
        if (c.get("nbf") instanceof Number nbf && latest.isBefore(NumericDates.toInstant(nbf))) return rejected("token_not_yet_valid");
        // Bastion never issues tokens living longer than a day: a longer one was not minted by Bastion's
        // token logic (a leaked key would be the only way), so it is refused whatever its signature.
        if (!(c.get("iat") instanceof Number iat)) return rejected("token_malformed");
        Instant issuedAt = NumericDates.toInstant(iat);
        if (latest.isBefore(issuedAt)) return rejected("token_issued_in_future");
        if (Duration.between(issuedAt, expiresAt).compareTo(MAX_LIFETIME) > 0) return rejected("token_lifetime_too_long");
        List<String> aud = c.get("aud") instanceof String s ? List.of(s) : c.get("aud") instanceof List<?> l
                ? l.stream().filter(String.class::isInstance).map(String.class::cast).toList() : List.of();
        if (!(c.get("sub") instanceof String sub) || !(c.get("org") instanceof String org) || !OrgRepository.isValidId(org)) {
            return rejected("token_malformed");
        }
        Set<String> scopes = new LinkedHashSet<>();
        if (c.get("scope") instanceof String sc) for (String p : sc.split(" ")) if (!p.isEmpty()) scopes.add(p);
        Set<String> roles = new LinkedHashSet<>();
        if (c.get("roles") instanceof List<?> rl) for (Object o : rl) if (o instanceof String s && RouteConfig.Require.ROLES.contains(s)) roles.add(s);
        String clientId = c.get("client_id") instanceof String cid ? cid : null;
        String userId = sub.startsWith("usr_") ? sub : null;
        Identity id = new Identity(sub, org, scopes, roles, "bastion_token", null, "bastion", userId,
                clientId != null && sub.equals(clientId) ? clientId : null, c.get("jti") instanceof String j ? j : null, Identity.bindableClaims(c));
        cache.put(hash, new TokenCache.Entry(id, expiresAt.plusSeconds(SKEW_SECONDS), "bastion_token", "bastion", aud, v.kid()));
        if (aud.stream().noneMatch(audiences::contains)) return rejected("token_audience_mismatch");
        return Future.succeededFuture(new AuthResult.Authenticated(id));
    }

    private static Future<AuthResult> rejected(String reason) {
        return Future.succeededFuture(new AuthResult.Rejected(reason, "The token is not valid for this route."));
    }
}
