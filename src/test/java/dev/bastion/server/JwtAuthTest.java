package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Identity-provider JWTs through the real server, against a real JWKS server on loopback (A1–A3): the
 * valid paths, and every attack on tokens that has broken other gateways.
 */
class JwtAuthTest {
    static Vertx idpVertx;
    static FakeIdp idp;
    static FakeIdp other;
    static FakeIdp attacker;
    static FakeIdp flaky;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new FakeIdp(idpVertx);
        other = new FakeIdp(idpVertx);
        attacker = new FakeIdp(idpVertx);
        flaky = new FakeIdp(idpVertx);
        String yaml = """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - name: main
                      issuer: "IDP"
                      audiences: [bastion-api]
                      jwks: { min_refetch_interval: 2s }
                    - name: other
                      issuer: "OTHER"
                      jwks_uri: "OTHER/keys"
                      audiences: [bastion-api]
                    - name: azp
                      issuer: "IDP/azp"
                      jwks_uri: "IDP/keys"
                      authorized_parties: [app-1]
                    - name: scoped
                      issuer: "IDP/scoped"
                      jwks_uri: "IDP/keys"
                      audiences: [bastion-api]
                      required_scopes: [read]
                    - name: auto
                      issuer: "IDP/auto"
                      jwks_uri: "IDP/keys"
                      audiences: [bastion-api]
                      auto_create_orgs: true
                      claims: { org: "custom:org_id", role: "custom:role" }
                    - name: flaky
                      issuer: "FLAKY"
                      jwks_uri: "FLAKY/keys"
                      audiences: [bastion-api]
                      jwks: { cache_ttl: 200ms, min_refetch_interval: 100ms, max_stale: 600ms }
                upstreams:
                  app: { url: "{{upstream}}" }
                  llm: { url: "{{upstream}}", kind: ai }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: app
                    auth: { methods: [jwt] }
                  - id: only-main
                    match: { methods: [GET], path: /only-main }
                    upstream: app
                    auth: { methods: [jwt], issuers: [main] }
                  - id: admins
                    match: { methods: [GET], path: /admins }
                    upstream: app
                    auth: { methods: [jwt] }
                    require: { roles: [admin] }
                  - id: llm
                    match: { methods: [GET], path: /llm }
                    upstream: llm
                    auth: { methods: [jwt] }
                """.replace("OTHER", other.issuer()).replace("FLAKY", flaky.issuer()).replace("IDP", idp.issuer());
        gw = TestGateway.start(yaml);
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        idp.close();
        other.close();
        attacker.close();
        flaky.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> call(String path, String token) throws Exception {
        return gw.send(gw.request(path).header("Authorization", "Bearer " + token).GET().build());
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    static JWTClaimsSet valid() {
        return idp.claims("user-" + UUID.randomUUID(), "bastion-api", "acme").build();
    }

    @Test
    void validTokensOfEachAlgorithmPassAndCreateTheUserJustInTime() throws Exception {
        for (var key : List.of(idp.rsa, idp.ec, idp.ed)) {
            JWTClaimsSet claims = valid();
            HttpResponse<String> r = call("/app/x", idp.sign(key, claims));
            assertThat(r.statusCode()).as(key.getKeyType().getValue()).isEqualTo(200);
            var h = gw.upstream.last().headers();
            assertThat(h.get("X-Bastion-Org")).isEqualTo("acme");
            assertThat(h.get("X-Bastion-Identity")).as("an app upstream gets a signed identity").isNotBlank();
            assertThat(h.get("Authorization")).as("the user's token is not forwarded").isNull();
            var user = gw.store.users().findByExternal(idp.issuer(), claims.getSubject());
            assertThat(user).isPresent();
            assertThat(user.get().orgId()).isEqualTo("acme");
            assertThat(user.get().id()).startsWith("usr_");
        }
    }

    @Test
    void modelProvidersGetNoIdentityToken() throws Exception {
        assertThat(call("/llm", idp.sign(idp.ec, valid())).statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().headers().get("X-Bastion-Identity")).isNull();
        assertThat(gw.upstream.last().headers().get("Authorization")).isNull();
    }

    @ParameterizedTest(name = "alg {0}")
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void algNoneIsRefusedInEverySpelling(String alg) throws Exception {
        Map<String, Object> claims = valid().toJSONObject();
        for (String sig : List.of("", "AAAA")) {
            String token = FakeIdp.raw("{\"alg\":\"" + alg + "\",\"kid\":\"rsa-1\"}", claims, sig);
            HttpResponse<String> r = call("/app/x", token);
            assertThat(r.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        // The classic key-confusion attack: use the (public) RSA key material as an HMAC secret.
        List<byte[]> secrets = List.of(idp.rsa.toPublicJWK().toJSONString().getBytes(), idp.rsa.toRSAPublicKey().getEncoded(),
                ("-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(idp.rsa.toRSAPublicKey().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n").getBytes(), idp.rsa.getModulus().decode());
        for (byte[] secret : secrets) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), valid());
            jwt.sign(new MACSigner(secret));
            HttpResponse<String> r = call("/app/x", jwt.serialize());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(code(r)).isEqualTo("jws_no_matching_key");
        }
    }

    @Test
    void anEmbeddedJwkIsNeverTrusted() throws Exception {
        ECKey mine = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        String token = idp.sign(mine, valid(), h -> h.jwk(mine.toPublicJWK()));
        HttpResponse<String> r = call("/app/x", token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo("jws_signature_invalid");
    }

    @Test
    void jkuAndX5uPointingAtAnAttackerAreNeverFetched() throws Exception {
        int before = attacker.jwksFetches();
        String jku = attacker.sign(attacker.ec, valid(), h -> h.jwkURL(URI.create(attacker.jwksUri())));
        String x5u = attacker.sign(attacker.rsa, valid(), h -> h.x509CertURL(URI.create(attacker.jwksUri())));
        assertThat(call("/app/x", jku).statusCode()).isEqualTo(401);
        assertThat(call("/app/x", x5u).statusCode()).isEqualTo(401);
        assertThat(attacker.jwksFetches()).isEqualTo(before);
    }

    @ParameterizedTest(name = "kid {0}")
    @ValueSource(strings = {"../../../../etc/passwd", "' OR '1'='1' --", "rsa-1\u0000", "%2e%2e%2f", "LONG"})
    void hostileKidsAreJustUnknownKeys(String kid) throws Exception {
        String k = "LONG".equals(kid) ? "k".repeat(10_000) : kid;
        RSAKey forged = new RSAKeyGenerator(2048).keyID(k).generate();
        HttpResponse<String> r = call("/app/x", idp.sign(forged, valid()));
        assertThat(r.statusCode()).isIn(401, 431);
        assertThat(r.body()).doesNotContain("passwd").doesNotContain("SQL").doesNotContain("Exception");
    }

    @Test
    void expiryAndNotBeforeHonourTheClockSkew() throws Exception {
        long now = System.currentTimeMillis();
        var expired = idp.claims("u-exp", "bastion-api", "acme").expirationTime(new Date(now - 120_000)).build();
        HttpResponse<String> r = call("/app/x", idp.sign(idp.ec, expired));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo("jwt_expired");
        var withinSkew = idp.claims("u-skew", "bastion-api", "acme").expirationTime(new Date(now - 20_000)).build();
        assertThat(call("/app/x", idp.sign(idp.ec, withinSkew)).statusCode()).isEqualTo(200);
        var future = idp.claims("u-nbf", "bastion-api", "acme").notBeforeTime(new Date(now + 300_000)).build();
        r = call("/app/x", idp.sign(idp.ec, future));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo("jwt_not_yet_valid");
        var nearFuture = idp.claims("u-nbf2", "bastion-api", "acme").notBeforeTime(new Date(now + 20_000)).build();
        assertThat(call("/app/x", idp.sign(idp.ec, nearFuture)).statusCode()).isEqualTo(200);
        var noExp = new JWTClaimsSet.Builder(valid()).expirationTime(null).build();
        assertThat(code(call("/app/x", idp.sign(idp.ec, noExp)))).isEqualTo("jwt_exp_missing");
    }

    @Test
    void wrongIssuerAudienceAndAuthorizedPartyAreRefused() throws Exception {
        var wrongIss = new JWTClaimsSet.Builder(valid()).issuer("https://evil.example").build();
        assertThat(code(call("/app/x", idp.sign(idp.ec, wrongIss)))).isEqualTo("jwt_issuer_untrusted");
        var wrongAud = new JWTClaimsSet.Builder(valid()).audience("someone-else").build();
        assertThat(code(call("/app/x", idp.sign(idp.ec, wrongAud)))).isEqualTo("jwt_audience_mismatch");
        var azpBase = new JWTClaimsSet.Builder(valid()).issuer(idp.issuer() + "/azp").audience((String) null);
        assertThat(call("/app/x", idp.sign(idp.ec, azpBase.claim("azp", "app-1").build())).statusCode()).isEqualTo(200);
        assertThat(code(call("/app/x", idp.sign(idp.ec, azpBase.claim("azp", "evil-app").build())))).isEqualTo("jwt_authorized_party_mismatch");
        assertThat(code(call("/app/x", idp.sign(idp.ec, azpBase.claim("azp", null).build())))).isEqualTo("jwt_authorized_party_mismatch");
    }

    @Test
    void requiredScopesAreEnforced() throws Exception {
        var base = new JWTClaimsSet.Builder(valid()).issuer(idp.issuer() + "/scoped");
        assertThat(code(call("/app/x", idp.sign(idp.ec, base.claim("scope", "write").build())))).isEqualTo("jwt_scope_missing");
        assertThat(call("/app/x", idp.sign(idp.ec, base.claim("scope", "read write").build())).statusCode()).isEqualTo(200);
        assertThat(call("/app/x", idp.sign(idp.ec, base.claim("scope", null).claim("scp", List.of("read")).build())).statusCode()).isEqualTo(200);
    }

    @Test
    void aValidTokenFromAnotherTrustedIssuerIsRefusedWhereOnlyTheFirstIsTrusted() throws Exception {
        String fromOther = other.sign(other.ec, other.claims("u-b", "bastion-api", "acme").build());
        assertThat(call("/app/x", fromOther).statusCode()).isEqualTo(200);
        HttpResponse<String> r = call("/only-main", fromOther);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo("jwt_issuer_untrusted");
        // Issuer B's key claiming to be issuer A: the signature does not verify with A's keys.
        String impostor = other.sign(other.ec, new JWTClaimsSet.Builder(valid()).build());
        assertThat(call("/only-main", impostor).statusCode()).isEqualTo(401);
    }

    @Test
    void unknownOrMissingOrgIs403UnlessTheIssuerMayCreateOrgs() throws Exception {
        HttpResponse<String> r = call("/app/x", idp.sign(idp.ec, idp.claims("u-org", "bastion-api", "initech").build()));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("org_unknown");
        r = call("/app/x", idp.sign(idp.ec, idp.claims("u-noorg", "bastion-api", null).build()));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("org_missing");
        var auto = new JWTClaimsSet.Builder(valid()).issuer(idp.issuer() + "/auto").claim("org_id", null).claim("custom:org_id", "hooli").build();
        assertThat(call("/app/x", idp.sign(idp.ec, auto)).statusCode()).isEqualTo(200);
        assertThat(gw.store.orgs().find("hooli")).isPresent();
        // IdP org ids are mixed case (Clerk, Auth0: org_2ZbA…): usable as they are, compared case-sensitively.
        var clerkLike = new JWTClaimsSet.Builder(valid()).issuer(idp.issuer() + "/auto").claim("custom:org_id", "org_2ZbAxQ9").build();
        assertThat(call("/app/x", idp.sign(idp.ec, clerkLike)).statusCode()).isEqualTo(200);
        assertThat(gw.store.orgs().find("org_2ZbAxQ9")).isPresent();
        assertThat(gw.store.orgs().find("org_2zbaxq9")).isEmpty();
        var hostile = new JWTClaimsSet.Builder(valid()).issuer(idp.issuer() + "/auto").claim("custom:org_id", "../acme' OR 1=1").build();
        assertThat(call("/app/x", idp.sign(idp.ec, hostile)).statusCode()).isEqualTo(403);
    }

    @Test
    void rolesComeFromTheTokenNeverFromHeaders() throws Exception {
        String reader = idp.sign(idp.ec, new JWTClaimsSet.Builder(valid()).claim("role", "reader").build());
        HttpResponse<String> r = gw.send(gw.request("/admins").header("Authorization", "Bearer " + reader).header("X-Role", "admin")
                .header("X-Bastion-Roles", "admin").GET().build());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("role_missing");
        String admin = idp.sign(idp.ec, new JWTClaimsSet.Builder(valid()).claim("role", "admin").build());
        assertThat(call("/admins", admin).statusCode()).isEqualTo(200);
        String superuser = idp.sign(idp.ec, new JWTClaimsSet.Builder(valid()).claim("role", "superuser").build());
        assertThat(call("/admins", superuser).statusCode()).as("unknown role values are ignored").isEqualTo(403);
    }

    @Test
    void criticalHeadersWeDoNotUnderstandAreRefused() throws Exception {
        String token = idp.sign(idp.ec, valid(), h -> h.criticalParams(java.util.Set.of("exp")).customParam("exp", 1));
        HttpResponse<String> r = call("/app/x", token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r)).isEqualTo("jws_crit_unsupported");
    }

    @Test
    void aFloodOfRandomKidsDoesNotFloodTheIdp() throws Exception {
        assertThat(call("/app/x", idp.sign(idp.ec, valid())).statusCode()).isEqualTo(200); // keys loaded
        Thread.sleep(2100); // let a refetch become allowed once
        int before = idp.jwksFetches();
        for (int i = 0; i < 200; i++) {
            ECKey random = new ECKeyGenerator(Curve.P_256).keyID("kid-" + UUID.randomUUID()).generate();
            assertThat(call("/app/x", idp.sign(random, valid())).statusCode()).isEqualTo(401);
        }
        assertThat(idp.jwksFetches() - before).as("JWKS fetches caused by 200 unknown kids").isLessThanOrEqualTo(2);
    }

    @Test
    void aRotatedKeyIsPickedUpByOneRefetch() throws Exception {
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        idp.publish(rotated);
        Thread.sleep(2100); // beyond min_refetch_interval
        assertThat(call("/app/x", idp.sign(rotated, valid())).statusCode()).isEqualTo(200);
    }

    @Test
    void whileTheIdpIsDownCachedKeysKeepWorkingAndUnknownKidsAre401() throws Exception {
        String good = flaky.sign(flaky.ec, flaky.claims("u-flaky", "bastion-api", "acme").build());
        assertThat(call("/app/x", good).statusCode()).isEqualTo(200);
        flaky.down(true);
        try {
            Thread.sleep(300); // beyond cache_ttl: refreshes fail, cached keys stay in use
            String fresh = flaky.sign(flaky.ec, flaky.claims("u-flaky2", "bastion-api", "acme").build());
            assertThat(call("/app/x", fresh).statusCode()).isEqualTo(200);
            ECKey unknown = new ECKeyGenerator(Curve.P_256).keyID("not-published").generate();
            HttpResponse<String> r = call("/app/x", flaky.sign(unknown, flaky.claims("u-flaky3", "bastion-api", "acme").build()));
            assertThat(r.statusCode()).isEqualTo(401);
            Thread.sleep(700); // beyond max_stale: the issuer's tokens cannot be verified any more — a fault, not a pass
            String late = flaky.sign(flaky.ec, flaky.claims("u-flaky4", "bastion-api", "acme").build());
            HttpResponse<String> stale = call("/app/x", late);
            assertThat(stale.statusCode()).isEqualTo(503);
            assertThat(code(stale)).isEqualTo("control_fault");
        } finally {
            flaky.down(false);
        }
    }

    @Test
    void malformedTokensAre401NotErrors() throws Exception {
        for (String t : List.of("eyJ.eyJ.x", "eyJhbGciOiJSUzI1NiJ9.!!!.AAAA", "eyJ" + "a".repeat(20_000) + ".e.f",
                idp.sign(idp.ec, valid()).replace('.', '='))) {
            HttpResponse<String> r = call("/app/x", t);
            assertThat(r.statusCode()).as(t.substring(0, Math.min(30, t.length()))).isIn(401, 431);
        }
    }

    @Test
    void jwksFetchesDoNotFollowRedirects() throws Exception {
        // An IdP endpoint that redirects to an attacker's JWKS: the redirect is not followed, so the
        // attacker's key is never trusted and the attacker is never contacted.
        io.vertx.core.http.HttpServer redirector = idpVertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(302)
                .putHeader("Location", attacker.jwksUri()).end());
        redirector.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        String redirectIssuer = "http://127.0.0.1:" + redirector.actualPort();
        String yaml = TestGateway.config("""
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: app
                    auth: { methods: [jwt] }
                """) + """
                identity:
                  issuers:
                    - { name: redirected, issuer: "ISS", jwks_uri: "ISS/keys", audiences: [bastion-api] }
                """.replace("ISS", redirectIssuer);
        int before = attacker.jwksFetches();
        try (TestGateway g = TestGateway.start(yaml)) {
            g.store.orgs().ensure("acme");
            String token = attacker.sign(attacker.ec, new JWTClaimsSet.Builder(attacker.claims("eve", "bastion-api", "acme").build())
                    .issuer(redirectIssuer).build());
            HttpResponse<String> r = g.send(g.request("/app/x").header("Authorization", "Bearer " + token).GET().build());
            assertThat(r.statusCode()).as("keys cannot be fetched: a fault, never a pass").isEqualTo(503);
        } finally {
            redirector.close();
        }
        assertThat(attacker.jwksFetches()).isEqualTo(before);
    }

    @Test
    void tokensNeverReachTheLogs() throws Exception {
        String good = idp.sign(idp.ec, valid());
        String expired = idp.sign(idp.ec, idp.claims("u-log", "bastion-api", "acme").expirationTime(new Date(System.currentTimeMillis() - 600_000)).build());
        String forged = idp.sign(new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate(), valid());
        int already = gw.accessLines().size();
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            for (String t : List.of(good, expired, forged)) call("/app/x", t);
            Thread.sleep(200);
            String all = logs.all() + String.join("\n", gw.accessLines().subList(already, gw.accessLines().size()));
            for (String t : List.of(good, expired, forged)) {
                assertThat(all).doesNotContain(t).doesNotContain(t.substring(t.lastIndexOf('.') + 1)).doesNotContain(t.substring(0, t.indexOf('.')));
            }
        }
    }

    /** identity_binding: caller (the default), as identity.md says: one token per caller and upstream, with a jti and no request_id. */
    @Test
    void theIdentityTokenOfACallerHasAJtiAndNoRequestId() throws Exception {
        String token = idp.sign(idp.ec, valid());
        assertThat(call("/app/one", token).statusCode()).isEqualTo(200);
        JWTClaimsSet first = SignedJWT.parse(gw.upstream.last().headers().get("X-Bastion-Identity")).getJWTClaimsSet();
        assertThat(call("/app/two", token).statusCode()).isEqualTo(200);
        JWTClaimsSet second = SignedJWT.parse(gw.upstream.last().headers().get("X-Bastion-Identity")).getJWTClaimsSet();
        assertThat(first.getJWTID()).isNotBlank().isEqualTo(second.getJWTID());
        assertThat(first.getClaim("request_id")).isNull();
        assertThat(first.getNotBeforeTime()).isNull();
    }

    @Test
    void anIdentityTokenIsNotAnAccessToken() throws Exception {
        assertThat(call("/app/x", idp.sign(idp.ec, valid())).statusCode()).isEqualTo(200);
        String identity = gw.upstream.last().headers().get("X-Bastion-Identity");
        // Replayed by an upstream against Bastion: not an IdP token, and no route here takes Bastion tokens.
        HttpResponse<String> r = call("/app/x", identity);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(SignedJWT.parse(identity).getHeader().getType()).isEqualTo(new JOSEObjectType("bastion-id+jwt"));
    }
}
