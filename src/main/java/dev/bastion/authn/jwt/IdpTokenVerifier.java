package dev.bastion.authn.jwt;

import dev.bastion.authn.jose.JwsVerifier;
import dev.bastion.config.IssuerConfig;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies identity-provider JWTs against the configured issuers (A1, A2): the unverified {@code iss} only
 * chooses which issuer's keys and rules apply; then signature ({@link JwsVerifier}), then claims
 * ({@link ClaimsPolicy}). A token from an issuer the route does not trust is rejected, even when its
 * signature is valid for another configured issuer.
 */
public final class IdpTokenVerifier {
    public sealed interface Outcome permits Verified, Rejected, NotAnIdpToken {}

    public record Verified(VerifiedClaims claims) implements Outcome {}

    public record Rejected(String reason) implements Outcome {}

    /** The token's issuer is none of the configured identity providers (e.g. Bastion itself). */
    public record NotAnIdpToken(String issuer) implements Outcome {}

    private final Map<String, IssuerKeys> byIssuer = new LinkedHashMap<>();
    private final Map<String, IssuerKeys> byName = new LinkedHashMap<>();
    private final Clock clock;

    public IdpTokenVerifier(List<IssuerConfig> issuers, JwksFetcher fetcher, Clock clock) {
        this.clock = clock;
        for (IssuerConfig c : issuers) {
            IssuerKeys k = new IssuerKeys(c, fetcher, System::nanoTime);
            byIssuer.put(c.issuer(), k);
            byName.put(c.name(), k);
        }
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    public Collection<IssuerKeys> issuers() {
        return byName.values();
    }

    public IssuerKeys issuer(String name) {
        return byName.get(name);
    }

    /** Fetches every issuer's keys now, so the first requests do not wait. Failures are logged, not fatal. */
    public void prefetch() {
        byName.values().forEach(IssuerKeys::current);
    }

    /**
     * @param allowed issuer names the route trusts; empty means every configured issuer
     * @param iss     the token's unverified {@code iss}
     */
    public Future<Outcome> verify(String token, String iss, Set<String> allowed) {
        IssuerKeys keys = iss == null ? null : byIssuer.get(iss);
        if (keys == null) return Future.succeededFuture(new NotAnIdpToken(iss));
        if (!allowed.isEmpty() && !allowed.contains(keys.config().name())) return Future.succeededFuture(new Rejected("jwt_issuer_untrusted"));
        return keys.current().compose(trusted -> {
            JwsVerifier.Result r = JwsVerifier.verify(token, trusted);
            if (r instanceof JwsVerifier.Rejected rej && "jws_no_matching_key".equals(rej.reason())) {
                // Maybe the IdP rotated: one (rate-limited) refetch, then decide.
                return keys.forUnknownKid(kidOf(token)).map(fresh -> JwsVerifier.verify(token, fresh));
            }
            return Future.succeededFuture(r);
        }).map(r -> switch (r) {
            case JwsVerifier.Rejected rej -> new Rejected(rej.reason());
            case JwsVerifier.Verified v -> {
                try {
                    yield new Verified(ClaimsPolicy.check(keys.config(), ClaimsPolicy.parse(v.jws().getPayload().toString()), clock.instant()));
                } catch (ClaimsPolicy.Violation e) {
                    yield new Rejected(e.reason);
                }
            }
        });
    }

    private static String kidOf(String token) {
        try {
            return com.nimbusds.jose.JWSHeader.parse(new com.nimbusds.jose.util.Base64URL(token.substring(0, token.indexOf('.')))).getKeyID();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }
}
