package dev.bastion.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.authn.ApiKeys;
import dev.bastion.authn.TokenCache;
import dev.bastion.authn.jose.JwsVerifier;
import dev.bastion.authn.jose.TrustedKeys;
import dev.bastion.authn.jwt.BearerTokens;
import dev.bastion.authn.jwt.IdpTokenVerifier;
import dev.bastion.authn.jwt.JwksFetcher;
import dev.bastion.chain.Identity;
import dev.bastion.config.IssuerConfig;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What verifying a credential costs on the event loop: an API key (checksum + SHA-256), an IdP JWT by
 * algorithm — signature only, and signature + claims + mapping as the gateway does it on a cache miss —
 * and the verified-token cache hit the gateway takes for every later request with the same token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CredentialBench {
    @Param({"RS256", "ES256", "EdDSA"})
    public String alg;

    private String token;
    private TrustedKeys keys;
    private IdpTokenVerifier verifier;
    private TokenCache cache;
    private String cachedHash;
    private String apiKey;
    private JWSSigner identitySigner;
    private JWSAlgorithm signAlg;
    private JWTClaimsSet identityClaims;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JWK key;
        JWSSigner signer;
        JWSAlgorithm jwsAlg;
        switch (alg) {
            case "RS256" -> {
                RSAKey k = new RSAKeyGenerator(2048).keyID("k").generate();
                key = k;
                signer = new RSASSASigner(k);
                jwsAlg = JWSAlgorithm.RS256;
            }
            case "ES256" -> {
                ECKey k = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
                key = k;
                signer = new ECDSASigner(k);
                jwsAlg = JWSAlgorithm.ES256;
            }
            default -> {
                OctetKeyPair k = new OctetKeyPairGenerator(Curve.Ed25519).keyID("k").generate();
                key = k;
                signer = new Ed25519Signer(k);
                jwsAlg = JWSAlgorithm.EdDSA;
            }
        }
        String issuer = "https://idp.bench";
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("user-1").audience("bastion-api")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).issueTime(new Date()).claim("org_id", "acme")
                .claim("scope", "invoke read").claim("role", "writer").jwtID("jti-1").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(jwsAlg).keyID("k").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        token = jwt.serialize();
        String jwks = new JWKSet(key.toPublicJWK()).toString(true);
        keys = TrustedKeys.fromJwks(jwks, Set.of(jwsAlg), false);
        JwksFetcher local = new JwksFetcher() {
            @Override
            public Future<String> get(URI uri, Duration timeout) {
                return Future.succeededFuture(jwks);
            }
        };
        verifier = new IdpTokenVerifier(List.of(new IssuerConfig("bench", issuer, URI.create(issuer + "/keys"), List.of("bastion-api"),
                List.of(jwsAlg.getName()), null, null, null, null, null, null, null, null)), local, Clock.systemUTC());
        verifier.prefetch();
        cache = new TokenCache(100_000, Clock.systemUTC());
        cachedHash = BearerTokens.hash(token);
        cache.put(cachedHash, new TokenCache.Entry(new Identity("user-1", "acme", Set.of("invoke"), Set.of(), "jwt", null, "bench", "usr_1", null, "jti-1"),
                Instant.now().plus(Duration.ofHours(1)), "jwt", "bench", List.of(), "k"));
        apiKey = ApiKeys.generate();
        identitySigner = signer;
        signAlg = jwsAlg;
        identityClaims = new JWTClaimsSet.Builder().issuer("urn:bastion").subject("usr_1").audience("app").issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).claim("org", "acme").claim("roles", List.of("writer"))
                .claim("scopes", List.of("invoke")).claim("request_id", "0123456789abcdef0123456789abcdef").build();
    }

    /** Signature only: the cryptographic floor. */
    @Benchmark
    public Object jwtSignature() {
        return JwsVerifier.verify(token, keys);
    }

    /** What a verified-token cache miss costs: strict parse, signature, claims, mapping (the IdP keys cached). */
    @Benchmark
    public Object jwtFullVerification() {
        return verifier.verify(token, BearerTokens.unverifiedIssuer(token), Set.of()).result();
    }

    /** What every later request with the same token costs: hash it, look it up. */
    @Benchmark
    public Object jwtCacheHit() {
        return cache.get(BearerTokens.hash(token));
    }

    /** Signing one X-Bastion-Identity header (per request to an app upstream) with a key of this algorithm. */
    @Benchmark
    public Object identityTokenSign() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(signAlg).keyID("k").type(new JOSEObjectType("bastion-id+jwt")).build(), identityClaims);
        jwt.sign(identitySigner);
        return jwt.serialize();
    }

    /** The API-key baseline: shape and checksum, then the hash that is the cache key. */
    @Benchmark
    public Object apiKeyCheckAndHash() {
        return ApiKeys.wellFormed(apiKey) ? ApiKeys.hash(apiKey) : null;
    }
}
