package dev.bastion.mock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mock's Google OAuth2 token endpoint ({@code POST /token}) for service accounts, as Google documents
 * the JWT-bearer grant: the form's {@code grant_type} must be {@code urn:ietf:params:oauth:grant-type:jwt-bearer}
 * and its {@code assertion} an RS256 JWT signed by the configured account's key, with {@code iss} the
 * account's e-mail, {@code aud} the token URI, a {@code scope}, and {@code exp} in the future and at most an
 * hour after {@code iat}. It answers {@code {"access_token","expires_in","token_type":"Bearer"}}, or 400
 * {@code {"error":"invalid_grant","error_description"}}. Vertex's paths ({@link #authorized}) accept only the
 * tokens it issued, while they last.
 */
final class MockGoogleAuth {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final AtomicInteger grants = new AtomicInteger();
    private volatile String clientEmail;
    private volatile RSAPublicKey publicKey;
    private volatile String tokenUri;
    private volatile long expiresIn = 3599;

    void configure(String clientEmail, RSAPublicKey publicKey, String tokenUri, long expiresIn) {
        this.clientEmail = clientEmail;
        this.publicKey = publicKey;
        this.tokenUri = tokenUri;
        this.expiresIn = expiresIn;
    }

    /** Tokens issued so far (a test counts the grants a cache saved). */
    int grants() {
        return grants.get();
    }

    void token(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
            HttpServerResponse resp = req.response();
            if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
                error(resp, "unsupported_grant_type", "Invalid grant_type: " + form.getOrDefault("grant_type", ""));
                return;
            }
            String problem = check(form.get("assertion"));
            if (problem != null) {
                error(resp, "invalid_grant", problem);
                return;
            }
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            String token = "ya29.mock-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            issued.put(token, Instant.now().plusSeconds(expiresIn));
            grants.incrementAndGet();
            ObjectNode out = JSON.createObjectNode().put("access_token", token).put("expires_in", expiresIn).put("token_type", "Bearer");
            resp.putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store").end(out.toString());
        });
    }

    /** Why Google would refuse the assertion, in its words where known; null when it holds. */
    private String check(String assertion) {
        if (assertion == null) return "Missing required parameter: assertion";
        if (publicKey == null) return "Invalid JWT Signature."; // no account configured: nothing verifies
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new RSASSAVerifier(publicKey))) return "Invalid JWT Signature.";
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!clientEmail.equals(c.getIssuer())) return "Invalid JWT: iss is not the service account.";
            if (c.getAudience() == null || !c.getAudience().contains(tokenUri)) return "Invalid JWT: Failed audience check.";
            Object scope = c.getClaim("scope");
            if (!(scope instanceof String s) || s.isBlank()) return "Invalid JWT: No scope was requested.";
            Instant now = Instant.now();
            if (c.getIssueTime() == null || c.getExpirationTime() == null) return "Invalid JWT: iat and exp are required.";
            Instant iat = c.getIssueTime().toInstant();
            Instant exp = c.getExpirationTime().toInstant();
            if (!exp.isAfter(now) || iat.isAfter(now.plusSeconds(60))) return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
            if (exp.isAfter(iat.plusSeconds(3600))) return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
            return null;
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            return "Invalid JWT Signature.";
        }
    }

    /** Whether the request carries a token this endpoint issued and that has not expired. */
    boolean authorized(HttpServerRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null || !h.startsWith("Bearer ")) return false;
        Instant until = issued.get(h.substring(7));
        return until != null && until.isAfter(Instant.now());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String p : body.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) out.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void error(HttpServerResponse resp, String error, String description) {
        resp.setStatusCode(400).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(JSON.createObjectNode().put("error", error).put("error_description", description).toString());
    }
}
