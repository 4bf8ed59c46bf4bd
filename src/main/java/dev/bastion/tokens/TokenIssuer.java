package dev.bastion.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.chain.Identity;
import dev.bastion.config.TokensConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Mints Bastion's JWTs with the current signing key: access tokens (RFC 9068 profile, {@code typ: at+jwt})
 * for machine clients and token exchange, and the short identity tokens sent to upstreams. Thread-safe;
 * signing is CPU only.
 */
public final class TokenIssuer {
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");
    public static final JOSEObjectType IDENTITY_TOKEN_TYPE = new JOSEObjectType("bastion-id+jwt");

    /** A minted token and what a caller may want to record about it. */
    public record Minted(String token, String jti, Instant expiresAt) {}

    private final SigningKeys keys;
    private final TokensConfig config;
    private final Clock clock;
    /** For {@code identity_binding: caller}: tokens by caller and upstream, reused for half their lifetime. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Minted> identityTokens;

    public TokenIssuer(SigningKeys keys, TokensConfig config, Clock clock) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        // Cache upkeep on the calling event loop, in small batches: no hop to the common pool per burst of reads.
        this.identityTokens = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().executor(Runnable::run).maximumSize(100_000)
                .expireAfterWrite(config.identityTokenTtl().dividedBy(2)).build();
    }

    public String issuer() {
        return config.issuer();
    }

    /**
     * An access token. {@code sub} is the client id or the user id; {@code client_id} is set for machine
     * clients (RFC 9068 requires it; for exchanged user tokens it names the exchanging party or is absent).
     */
    public Minted accessToken(String subject, String orgId, Set<String> scopes, Set<String> roles, String audience,
                              Duration ttl, String clientId) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        String jti = newJti();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(config.issuer())
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(jti)
                .claim("org", orgId)
                .claim("scope", String.join(" ", new TreeSet<>(scopes)));
        if (!roles.isEmpty()) claims.claim("roles", List.copyOf(new TreeSet<>(roles)));
        if (clientId != null) claims.claim("client_id", clientId);
        return new Minted(sign(claims.build(), ACCESS_TOKEN_TYPE), jti, exp);
    }

    /**
     * {@code X-Bastion-Identity}: who is calling, for one upstream ({@code aud} = the upstream's name), valid
     * for {@code tokens.identity_token_ttl} (≤ 60 s). With {@code identity_binding: request} it is signed for
     * this request and carries its id; with {@code caller} one token per caller and upstream is reused for
     * up to half its lifetime (a signature costs ~100 µs; see docs/performance.md).
     */
    public String identityToken(Identity id, String upstream, String requestId) {
        if (config.identityBinding() == TokensConfig.IdentityBinding.REQUEST) return signIdentity(id, upstream, requestId);
        String key = upstream + '\u0000' + id.orgId() + '\u0000' + id.subject() + '\u0000' + id.userId() + '\u0000' + id.clientId() + '\u0000'
                + id.credentialType() + '\u0000' + new TreeSet<>(id.roles()) + '\u0000' + new TreeSet<>(id.scopes());
        return identityTokens.get(key, k -> new Minted(signIdentity(id, upstream, null), null, null)).token();
    }

    private String signIdentity(Identity id, String upstream, String requestId) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(config.issuer())
                .subject(id.userId() != null ? id.userId() : id.subject())
                .audience(upstream)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(config.identityTokenTtl())))
                .claim("org", id.orgId())
                .claim("roles", List.copyOf(new TreeSet<>(id.roles())))
                .claim("scopes", List.copyOf(new TreeSet<>(id.scopes())))
                .claim("auth", id.credentialType());
        if (requestId != null) claims.claim("request_id", requestId);
        else claims.jwtID(newJti());
        if (id.clientId() != null) claims.claim("client_id", id.clientId());
        return sign(claims.build(), IDENTITY_TOKEN_TYPE);
    }

    private String sign(JWTClaimsSet claims, JOSEObjectType type) {
        SigningKeys.Current key = keys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(type).build(), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed: " + e.getClass().getSimpleName(), e);
        }
        return jwt.serialize();
    }

    private static String newJti() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }
}
