package dev.bastion.authn;

import dev.bastion.authn.jwt.BearerTokens;
import dev.bastion.authn.jwt.IdpTokenVerifier;
import dev.bastion.authn.jwt.VerifiedClaims;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Identity-provider JWTs ({@code auth.methods: [jwt]}): verified by {@link IdpTokenVerifier}, mapped to an
 * {@link Identity} with a just-in-time user ({@link UserDirectory}), then cached by hash until expiry.
 * A JWT from Bastion's own issuer is not this authenticator's kind. A JWT from any other issuer the route
 * does not trust is rejected, not passed on. A token whose org is missing or unknown is refused with 403.
 * Keys that cannot be fetched are a fault (503), never a pass.
 */
public final class JwtAuthenticator implements Authenticator {
    private final IdpTokenVerifier verifier;
    private final UserDirectory users;
    private final TokenCache cache;
    private final String bastionIssuer;
    private final Set<String> trustedIssuers;

    /** @param trustedIssuers issuer names this route accepts; empty means all configured issuers */
    public JwtAuthenticator(IdpTokenVerifier verifier, UserDirectory users, TokenCache cache, String bastionIssuer, List<String> trustedIssuers) {
        this.verifier = verifier;
        this.users = users;
        this.cache = cache;
        this.bastionIssuer = bastionIssuer;
        this.trustedIssuers = Set.copyOf(trustedIssuers);
    }

    @Override
    public String kind() {
        return "jwt";
    }

    @Override
    public Future<AuthResult> authenticate(Exchange ex) {
        String token = BearerTokens.jwt(ex);
        if (token == null) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
        if (token.length() > BearerTokens.MAX_LENGTH) return rejected("jwt_malformed");
        String hash = BearerTokens.hash(token);
        TokenCache.Entry hit = cache.get(hash);
        if (hit != null) {
            if (!"jwt".equals(hit.source())) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
            if (!trustedIssuers.isEmpty() && !trustedIssuers.contains(hit.issuer())) return rejected("jwt_issuer_untrusted");
            return Future.succeededFuture(new AuthResult.Authenticated(hit.identity()));
        }
        String iss = BearerTokens.unverifiedIssuer(token);
        if (iss != null && iss.equals(bastionIssuer)) return Future.succeededFuture(AuthResult.NO_CREDENTIAL);
        return verifier.verify(token, iss, trustedIssuers).compose(outcome -> switch (outcome) {
            case IdpTokenVerifier.NotAnIdpToken n -> rejected("jwt_issuer_untrusted");
            case IdpTokenVerifier.Rejected r -> rejected(r.reason());
            case IdpTokenVerifier.Verified v -> admit(hash, v.claims());
        }); // a failed future (keys unavailable, store down) stays a fault: 503
    }

    private Future<AuthResult> admit(String hash, VerifiedClaims c) {
        if (c.org() == null) return Future.succeededFuture(new AuthResult.Rejected(403, "org_missing", "The token names no org."));
        return users.resolve(c).map(res -> {
            if (res.user().isEmpty()) return new AuthResult.Rejected(403, "org_unknown", "The token's org is not known to this gateway.");
            Identity id = new Identity(c.subject(), c.org(), c.scopes(), c.roles(), "jwt", null, c.issuerName(), res.user().get().id(), null, c.jti(),
                    c.bindable(), c.machine());
            cache.put(hash, new TokenCache.Entry(id, c.expiresAt(), "jwt", c.issuerName(), List.of(), null));
            return new AuthResult.Authenticated(id);
        });
    }

    private static Future<AuthResult> rejected(String reason) {
        return Future.succeededFuture(new AuthResult.Rejected(reason, "The token is not valid for this route."));
    }
}
