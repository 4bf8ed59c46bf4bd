package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * Bastion as a token issuer (A5, A6, A7) and the signer of identity tokens to upstreams (Z4).
 *
 * @param issuer            {@code iss} of Bastion's tokens (a URL you control); default {@code urn:bastion}
 * @param audience          default {@code aud} of access tokens, and what {@code bastion_token} routes accept unless they list their own; default {@code bastion}
 * @param audiences         every audience a client or exchange may ask for; default [{@code audience}]
 * @param ttl               access-token lifetime from {@code client_credentials}; default 1h, at most 24h
 * @param exchangeTtl       lifetime of tokens from token exchange; default 15m, never beyond the exchanged token
 * @param algorithm         signing algorithm of new keys: {@code ES256} (default) or {@code EdDSA}
 * @param rotateEvery       a new signing key is made when the current one is older; default 30d
 * @param masterKey         Tink AEAD keyset (JSON) that encrypts signing keys at rest, as a secret reference.
 *                          Default in dev with SQLite: {@code master-key.json} next to the database file, created
 *                          when missing. Required in prod and with PostgreSQL.
 * @param endpoint          the {@code /oauth2/token} endpoint
 * @param identityTokenTtl  lifetime of {@code X-Bastion-Identity} tokens sent to upstreams; default 60s, at most 60s
 * @param keyRefresh        how often each node re-reads the signing keys (to pick up a rotation made elsewhere); default 30s
 * @param identityBinding   {@code caller} (default): one identity token per caller and upstream, reused for up to half
 *                          its lifetime, with its own {@code jti} and no {@code request_id} (almost free);
 *                          {@code request}: a fresh token per request carrying its {@code request_id} — one ES256
 *                          signature (~130 µs of CPU) per request, which cut end-to-end throughput to 0.25×
 *                          in bench/auth.sh
 */
public record TokensConfig(String issuer, String audience, List<String> audiences, Duration ttl, Duration exchangeTtl,
                           Algorithm algorithm, Duration rotateEvery, SecretRef masterKey, Endpoint endpoint, Duration identityTokenTtl,
                           Duration keyRefresh, IdentityBinding identityBinding) {

    public enum IdentityBinding {
        @JsonProperty("request") REQUEST,
        @JsonProperty("caller") CALLER
    }
    public enum Algorithm {
        @JsonProperty("ES256") ES256,
        @JsonProperty("EdDSA") EDDSA
    }

    public TokensConfig {
        issuer = issuer == null ? "urn:bastion" : issuer;
        audience = audience == null ? "bastion" : audience;
        audiences = audiences == null ? List.of(audience) : List.copyOf(audiences);
        if (!audiences.contains(audience)) throw new IllegalArgumentException("audiences: must contain audience '" + audience + "'");
        ttl = ttl == null ? Duration.ofHours(1) : ttl;
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofHours(24)) > 0) throw new IllegalArgumentException("ttl: " + Durations.format(ttl) + " (expected: 1s..24h)");
        exchangeTtl = exchangeTtl == null ? Duration.ofMinutes(15) : exchangeTtl;
        if (exchangeTtl.isNegative() || exchangeTtl.isZero() || exchangeTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("exchange_ttl: " + Durations.format(exchangeTtl) + " (expected: 1s..1h)");
        }
        algorithm = algorithm == null ? Algorithm.ES256 : algorithm;
        rotateEvery = rotateEvery == null ? Duration.ofDays(30) : rotateEvery;
        if (rotateEvery.compareTo(Duration.ofHours(1)) < 0) throw new IllegalArgumentException("rotate_every: at least 1h");
        endpoint = endpoint == null ? new Endpoint(null, null, null) : endpoint;
        identityTokenTtl = identityTokenTtl == null ? Duration.ofSeconds(60) : identityTokenTtl;
        if (identityTokenTtl.isNegative() || identityTokenTtl.isZero() || identityTokenTtl.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("identity_token_ttl: at most 60s");
        }
        keyRefresh = keyRefresh == null ? Duration.ofSeconds(30) : keyRefresh;
        identityBinding = identityBinding == null ? IdentityBinding.CALLER : identityBinding;
        EdgeConfig.requirePositive("key_refresh", keyRefresh);
    }

    /**
     * @param enabled        serve {@code POST /oauth2/token} and {@code GET /.well-known/jwks.json} on the public listener; default true
     * @param failuresPerClient failed client authentications allowed per client id before 429; default 10/1m
     * @param requestsPerIp  token requests per client IP; default 60/1m
     */
    public record Endpoint(Boolean enabled, Rate failuresPerClient, Rate requestsPerIp) {
        public Endpoint {
            enabled = enabled == null || enabled;
            failuresPerClient = failuresPerClient == null ? Rate.parse("10/1m") : failuresPerClient;
            requestsPerIp = requestsPerIp == null ? Rate.parse("60/1m") : requestsPerIp;
        }
    }
}
