package dev.bastion.testing;

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
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real identity provider on loopback for tests: OIDC discovery, a JWKS endpoint that counts its
 * fetches and can be taken down, and RSA, EC and Ed25519 signing keys to mint tokens with — valid ones
 * and every kind of forged one.
 */
public final class FakeIdp implements AutoCloseable {
    public final RSAKey rsa;
    public final ECKey ec;
    public final OctetKeyPair ed;
    private final List<JWK> published = new ArrayList<>();
    private final HttpServer server;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger discoveryFetches = new AtomicInteger();
    private volatile boolean down;
    private volatile int delayMs;

    public FakeIdp(Vertx vertx) throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).generate();
        ed = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").keyUse(KeyUse.SIGNATURE).generate();
        published.add(rsa.toPublicJWK());
        published.add(ec.toPublicJWK());
        published.add(ed.toPublicJWK());
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(false))
                .requestHandler(req -> {
                    if (down) {
                        req.response().setStatusCode(503).end("down");
                        return;
                    }
                    Runnable answer = () -> {
                        switch (req.path()) {
                            case "/.well-known/openid-configuration" -> {
                                discoveryFetches.incrementAndGet();
                                req.response().putHeader("Content-Type", "application/json")
                                        .end("{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/keys\"}");
                            }
                            case "/keys" -> {
                                jwksFetches.incrementAndGet();
                                req.response().putHeader("Content-Type", "application/json").end(jwks());
                            }
                            default -> req.response().setStatusCode(404).end();
                        }
                    };
                    if (delayMs > 0) vertx.setTimer(delayMs, t -> answer.run());
                    else answer.run();
                });
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public String jwksUri() {
        return issuer() + "/keys";
    }

    public synchronized String jwks() {
        return new JWKSet(List.copyOf(published)).toString(true);
    }

    public synchronized void publish(JWK key) {
        published.add(key.toPublicJWK());
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    public int discoveryFetches() {
        return discoveryFetches.get();
    }

    public void down(boolean down) {
        this.down = down;
    }

    public void delay(int ms) {
        this.delayMs = ms;
    }

    /** Standard claims for this issuer: sub, aud, org, exp in 5 minutes. */
    public JWTClaimsSet.Builder claims(String sub, String aud, String org) {
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer()).subject(sub).audience(aud)
                .issueTime(new Date(now)).expirationTime(new Date(now + 300_000)).jwtID("jti-" + System.nanoTime());
        if (org != null) b.claim("org_id", org);
        return b;
    }

    public String sign(JWK key, JWTClaimsSet claims) {
        return sign(key, claims, h -> {});
    }

    public String sign(JWK key, JWTClaimsSet claims, Consumer<JWSHeader.Builder> header) {
        try {
            JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256 : key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.EdDSA;
            JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r) : key instanceof ECKey e ? new ECDSASigner(e) : new Ed25519Signer((OctetKeyPair) key);
            JWSHeader.Builder h = new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
            header.accept(h);
            SignedJWT jwt = new SignedJWT(h.build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact JWS with a hand-made header (any JSON) and payload, and a given signature part. */
    public static String raw(String headerJson, Map<String, Object> claims, String signatureB64) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String h = b64.encodeToString(headerJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String p = b64.encodeToString(new io.vertx.core.json.JsonObject(claims).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return h + "." + p + "." + signatureB64;
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
