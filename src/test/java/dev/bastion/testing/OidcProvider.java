package dev.bastion.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A faithful local stand-in of an OpenID Connect provider for the console's login: discovery, JWKS, an authorization
 * endpoint that auto-approves one configured test user (redirecting with {@code code}, {@code state} and RFC 9207's
 * {@code iss}), and a token endpoint that checks the client's secret (client_secret_basic), the exact redirect URI and
 * the PKCE verifier (S256), and redeems a code once. Tests can tamper with the ID token's claims or the response's
 * {@code iss} to play an attacker or a broken IdP.
 */
public final class OidcProvider implements AutoCloseable {
    public static final String CLIENT_ID = "bastion-console";
    public static final String CLIENT_SECRET = "console-secret-5f4e3d2c1b0a";

    private record Grant(String clientId, String redirectUri, String challenge, String nonce) {}

    private final RSAKey key;
    private final HttpServer server;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    /** The approved user's claims (sub, groups, org_id, …). */
    public volatile Map<String, Object> user = Map.of("sub", "alice", "groups", java.util.List.of("platform-ops"), "org_id", "ops");
    /** Edits the ID token's claims before signing (an attacker's or a broken IdP's token). */
    public volatile UnaryOperator<JWTClaimsSet.Builder> tamper = b -> b;
    /** The {@code iss} sent on the redirect; null: the real issuer. */
    public volatile String responseIssuer;
    public final AtomicInteger tokenCalls = new AtomicInteger();
    public volatile String lastTokenRefusal;

    public OidcProvider(Vertx vertx) throws Exception {
        key = new RSAKeyGenerator(2048).keyID("console-1").keyUse(KeyUse.SIGNATURE).generate();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        switch (req.path()) {
            case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("issuer", issuer()).put("authorization_endpoint", issuer() + "/authorize").put("token_endpoint", issuer() + "/token")
                    .put("jwks_uri", issuer() + "/jwks").put("authorization_response_iss_parameter_supported", true).encode());
            case "/jwks" -> req.response().putHeader("Content-Type", "application/json").end(new JWKSet(key.toPublicJWK()).toString());
            case "/authorize" -> authorize(req);
            case "/token" -> req.body().onSuccess(b -> token(req, b.toString()));
            default -> req.response().setStatusCode(404).end();
        }
    }

    private void authorize(HttpServerRequest req) {
        MultiMap q = req.params();
        if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                || !CLIENT_ID.equals(q.get("client_id")) || q.get("redirect_uri") == null || !q.get("scope").contains("openid")) {
            req.response().setStatusCode(400).end("invalid_request");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(q.get("client_id"), q.get("redirect_uri"), q.get("code_challenge"), q.get("nonce")));
        String iss = responseIssuer == null ? issuer() : responseIssuer;
        req.response().setStatusCode(302).putHeader("Location", q.get("redirect_uri") + "?code=" + enc(code) + "&state=" + enc(q.get("state"))
                + "&iss=" + enc(iss)).end();
    }

    private void token(HttpServerRequest req, String body) {
        tokenCalls.incrementAndGet();
        MultiMap f = MultiMap.caseInsensitiveMultiMap();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) f.add(dec(pair.substring(0, eq)), dec(pair.substring(eq + 1)));
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        Grant g = codes.remove(f.get("code") == null ? "" : f.get("code")); // a code is redeemed once, right or wrong
        String refusal = !basic.equals(req.getHeader("Authorization")) ? "invalid_client"
                : g == null ? "invalid_grant: unknown or used code"
                : !"authorization_code".equals(f.get("grant_type")) ? "unsupported_grant_type"
                : !g.redirectUri().equals(f.get("redirect_uri")) ? "invalid_grant: redirect_uri"
                : f.get("code_verifier") == null || !g.challenge().equals(s256(f.get("code_verifier"))) ? "invalid_grant: PKCE" : null;
        if (refusal != null) {
            lastTokenRefusal = refusal;
            req.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(new JsonObject().put("error", refusal).encode());
            return;
        }
        try {
            Date now = new Date();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).audience(g.clientId()).issueTime(now)
                    .expirationTime(new Date(now.getTime() + 300_000)).claim("nonce", g.nonce());
            user.forEach(claims::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), tamper.apply(claims).build());
            jwt.sign(new RSASSASigner(key));
            req.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("access_token", "at-" + UUID.randomUUID()).put("token_type", "Bearer").put("id_token", jwt.serialize()).encode());
        } catch (Exception e) {
            req.response().setStatusCode(500).end();
        }
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
