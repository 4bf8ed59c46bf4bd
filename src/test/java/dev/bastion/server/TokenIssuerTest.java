package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.TestGateway;
import dev.bastion.tokens.ClientService;
import dev.bastion.tokens.MasterKey;
import dev.bastion.tokens.SigningKeys;
import dev.bastion.upstream.RequestSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bastion as a token issuer (A5–A7) and as the signer of identity to upstreams (Z4, Z5), through the real
 * server: client credentials, token exchange, JWKS publication and rotation, the identity header an
 * upstream can verify with Bastion's JWKS, and HMAC request signatures.
 */
class TokenIssuerTest {
    static final String HMAC_SECRET = "hmac-shared-secret-7f3a9c1e5b";
    static Vertx idpVertx;
    static FakeIdp idp;
    static TestGateway gw;
    static ClientService.CreatedClient client;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new FakeIdp(idpVertx);
        String yaml = """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - name: main
                      issuer: "IDP"
                      jwks_uri: "IDP/keys"
                      audiences: [bastion-api]
                tokens:
                  issuer: https://bastion.test
                  audiences: [bastion, reports-api]
                  endpoint: { failures_per_client: 5/1m, requests_per_ip: 100000/1m }
                  key_refresh: 1s
                  identity_binding: request
                upstreams:
                  app: { url: "{{upstream}}", hmac_secret: env:HMAC_SECRET }
                  app2: { url: "{{upstream}}", identity_token: false }
                routes:
                  - id: api
                    match: { methods: [GET], path: /api/* }
                    upstream: app
                    auth: { methods: [bastion_token] }
                    require: { scopes_all: [invoke] }
                  - id: reports
                    match: { methods: [GET], path: /reports }
                    upstream: app
                    auth: { methods: [bastion_token], audiences: [reports-api] }
                  - id: either
                    match: { methods: [GET, POST], path: /either }
                    upstream: app
                    auth: { methods: [jwt, bastion_token] }
                    limits:
                      - { per: api_key, rate: 1000/1m }   # per calling credential, whatever its kind
                  - id: user-token
                    match: { methods: [GET], path: /user-token }
                    upstream: app2
                    auth: { methods: [jwt] }
                    forward_user_token: true
                """.replace("IDP", idp.issuer());
        gw = TestGateway.start(yaml, 1, java.util.Map.of("HMAC_SECRET", HMAC_SECRET));
        client = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke", "admin"), "ci", null);
        gw.store.orgs().ensure("globex");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        idp.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> token(String form, String basicUser, String basicSecret) throws Exception {
        HttpRequest.Builder b = gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (basicUser != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((basicUser + ":" + basicSecret).getBytes(StandardCharsets.UTF_8)));
        }
        return gw.send(b.build());
    }

    static String accessToken(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("access_token");
    }

    static HttpResponse<String> call(String path, String bearer) throws Exception {
        return gw.send(gw.request(path).header("Authorization", "Bearer " + bearer).GET().build());
    }

    @Test
    void clientCredentialsWithBasicOrFormGiveASignedAccessToken() throws Exception {
        HttpResponse<String> basic = token("grant_type=client_credentials", client.client().id(), client.secret());
        JsonObject body = new JsonObject(basic.body());
        assertThat(body.getString("token_type")).isEqualTo("Bearer");
        assertThat(body.getInteger("expires_in")).isBetween(3590, 3600);
        assertThat(body.getString("scope")).isEqualTo("admin invoke");
        assertThat(basic.headers().firstValue("Cache-Control")).hasValue("no-store");
        JWTClaimsSet claims = SignedJWT.parse(accessToken(basic)).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://bastion.test");
        assertThat(claims.getSubject()).isEqualTo(client.client().id());
        assertThat(claims.getAudience()).containsExactly("bastion");
        assertThat(claims.getStringClaim("org")).isEqualTo("acme");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().toInstant()).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));

        String form = accessToken(token("grant_type=client_credentials&scope=invoke&client_id=" + client.client().id()
                + "&client_secret=" + client.secret(), null, null));
        assertThat(SignedJWT.parse(form).getJWTClaimsSet().getStringClaim("scope")).isEqualTo("invoke");
        HttpResponse<String> r = call("/api/things", form);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().headers().get("X-Bastion-Org")).isEqualTo("acme");
    }

    @Test
    void secretsAndTokensNeverReachTheLogs() throws Exception {
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            HttpResponse<String> ok = token("grant_type=client_credentials", client.client().id(), client.secret());
            String at = accessToken(ok);
            token("grant_type=client_credentials", client.client().id(), client.secret() + "x");
            String idpToken = idp.sign(idp.ec, idp.claims("frank", "bastion-api", "acme").build());
            token("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + idpToken
                    + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt", null, null);
            token("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + idpToken + "x"
                    + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt", null, null);
            call("/api/x", at);
            Thread.sleep(200);
            String all = logs.all() + String.join("\n", gw.accessLines());
            assertThat(all).doesNotContain(client.secret()).doesNotContain(client.secret().substring(4, 20)).doesNotContain(at)
                    .doesNotContain(at.substring(at.lastIndexOf('.') + 1)).doesNotContain(idpToken.substring(idpToken.lastIndexOf('.') + 1))
                    .doesNotContain(HMAC_SECRET);
            assertThat(all).contains("security_event client_auth_failed client_id=" + client.client().id());
        }
    }

    /**
     * A form body the decoder cannot read ({@code %zz}, a trailing {@code %}) once came back whole in
     * {@code error_description}, client secret and subject token included. No error quotes the request.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"%zz", "%", "%e", "%C3%"})
    void aMalformedRequestIsRefusedWithoutRepeatingWhatItCarried(String malformed) throws Exception {
        String secret = client.secret(), subjectToken = idp.sign(idp.ec, idp.claims("grace", "bastion-api", "acme").build());
        String signature = subjectToken.substring(subjectToken.lastIndexOf('.') + 1);
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            int already = gw.accessLines().size();
            List<HttpResponse<String>> refused = List.of(
                    token("grant_type=client_credentials&client_id=" + client.client().id() + "&client_secret=" + secret + malformed, null, null),
                    token("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + subjectToken + malformed
                            + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt", null, null),
                    token("grant_type=client_credentials", client.client().id(), secret + malformed),
                    // A repeated parameter's name is the caller's text too.
                    token("grant_type=client_credentials&" + secret + "=1&" + secret + "=2", null, null));
            for (HttpResponse<String> r : refused) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_request");
                assertThat(r.body()).doesNotContain(secret.substring(4, 20)).doesNotContain(signature);
            }
            Thread.sleep(200);
            String logged = logs.all() + String.join("\n", gw.accessLines().subList(already, gw.accessLines().size()));
            assertThat(logged).doesNotContain(secret.substring(4, 20)).doesNotContain(signature);
            assertThat(logs.errors()).isEmpty();
        }
    }

    /**
     * The form is split on '&' only, and read whole (found by TokenFormFuzzTest). Netty's query decoder, used
     * before, split on ';' too, and silently dropped every parameter after the 1024th — so a repeated
     * {@code client_secret} hidden behind padding was never seen, and the request did not fail as RFC 6749 §3.1 asks.
     */
    @Test
    void aFormIsSplitOnAmpersandsOnlyAndReadWhole() throws Exception {
        String id = client.client().id(), secret = client.secret();
        HttpResponse<String> semicolon = token("grant_type=client_credentials&client_id=" + id + ";client_secret=" + secret, null, null);
        assertThat(semicolon.statusCode()).as(semicolon.body()).isIn(400, 401);
        assertThat(semicolon.body()).doesNotContain("access_token").doesNotContain(secret.substring(4, 20));

        StringBuilder padded = new StringBuilder("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret);
        for (int i = 0; i < 1100; i++) padded.append("&p").append(i).append("=1");
        HttpResponse<String> hidden = token(padded.append("&client_secret=guess").toString(), null, null);
        assertThat(hidden.statusCode()).as(hidden.body()).isEqualTo(400);
        assertThat(new JsonObject(hidden.body()).getString("error")).isEqualTo("invalid_request");
        assertThat(new JsonObject(hidden.body()).getString("error_description")).isEqualTo("The form has too many parameters.");
        assertThat(hidden.body()).doesNotContain(secret.substring(4, 20));
    }

    @Test
    void everyClientAuthenticationFailureLooksTheSame() throws Exception {
        ClientService.CreatedClient disabled = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), null, null);
        new ClientService(gw.store, Clock.systemUTC()).disable(null, disabled.client().id());
        List<HttpResponse<String>> failures = List.of(
                token("grant_type=client_credentials", client.client().id(), "bcs_wrong"),
                token("grant_type=client_credentials", "cli_doesnotexist0000", client.secret()),
                token("grant_type=client_credentials", disabled.client().id(), disabled.secret()),
                token("grant_type=client_credentials", null, null));
        for (HttpResponse<String> r : failures) {
            assertThat(r.statusCode()).isEqualTo(401);
            JsonObject e = new JsonObject(r.body());
            assertThat(e.getString("error")).isEqualTo("invalid_client");
            assertThat(e.getString("error_description")).isEqualTo("Client authentication failed.");
            assertThat(e.getString("request_id")).isNotBlank();
            assertThat(r.body()).doesNotContain("bcs_").doesNotContain("exist").doesNotContain("disabled");
        }
        assertThat(failures.get(0).headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"bastion\"");
    }

    @Test
    void wrongSecretTimingDoesNotRevealWhetherTheClientExists() throws Exception {
        // Warm up, then interleave: median latency for an unknown id vs a known id with a wrong secret.
        ClientService.CreatedClient target = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), null, null);
        long[] known = new long[30], unknown = new long[30];
        for (int i = 0; i < 30; i++) {
            // Different ids each time so the per-client failure limit is not what we measure.
            long t0 = System.nanoTime();
            token("grant_type=client_credentials", "cli_unknown" + i, "bcs_x" + i);
            unknown[i] = System.nanoTime() - t0;
            t0 = System.nanoTime();
            token("grant_type=client_credentials", i % 4 == 0 ? target.client().id() : client.client().id() + "x" + i, "bcs_y" + i);
            known[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(known);
        java.util.Arrays.sort(unknown);
        double ratio = (double) Math.max(known[15], unknown[15]) / Math.min(known[15], unknown[15]);
        System.out.printf("client auth median: known-id %.2f ms, unknown-id %.2f ms (ratio %.2f)%n", known[15] / 1e6, unknown[15] / 1e6, ratio);
        assertThat(ratio).isLessThan(3.0);
    }

    @Test
    void guessingIsThrottledPerClient() throws Exception {
        ClientService.CreatedClient victim = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), null, null);
        for (int i = 0; i < 5; i++) {
            assertThat(token("grant_type=client_credentials", victim.client().id(), "bcs_guess" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> throttled = token("grant_type=client_credentials", victim.client().id(), "bcs_guess-6");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(throttled.body()).getString("error")).isEqualTo("slow_down");
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        // Even the right secret is refused while throttled: guessing cannot continue at any pace above the limit.
        assertThat(token("grant_type=client_credentials", victim.client().id(), victim.secret()).statusCode()).isEqualTo(429);
        assertThat(token("grant_type=client_credentials", client.client().id(), client.secret()).statusCode()).as("other clients unaffected").isEqualTo(200);
    }

    @Test
    void scopesAndAudiencesAreLimitedToWhatWasGranted() throws Exception {
        HttpResponse<String> r = token("grant_type=client_credentials&scope=invoke%20superpowers", client.client().id(), client.secret());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_scope");
        r = token("grant_type=client_credentials&audience=payments", client.client().id(), client.secret());
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_target");
        String reports = accessToken(token("grant_type=client_credentials&audience=reports-api", client.client().id(), client.secret()));
        assertThat(call("/reports", reports).statusCode()).isEqualTo(200);
        HttpResponse<String> wrongAud = call("/api/x", reports);
        assertThat(wrongAud.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(wrongAud.body()).getJsonObject("error").getString("code")).isEqualTo("token_audience_mismatch");
        r = token("grant_type=password&username=a&password=b", client.client().id(), client.secret());
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("unsupported_grant_type");
        r = token("grant_type=client_credentials&grant_type=client_credentials", client.client().id(), client.secret());
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_request");
    }

    @Test
    void tokenExchangeGivesExactlyTheMappedClaims() throws Exception {
        gw.store.orgs().ensure("acme");
        String idpToken = idp.sign(idp.ec, idp.claims("alice", "bastion-api", "acme").claim("role", "writer").claim("scope", "invoke read").build());
        HttpResponse<String> r = token("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + idpToken
                + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt&audience=reports-api&scope=read", null, null);
        JsonObject body = new JsonObject(r.body());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(body.getString("issued_token_type")).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        assertThat(body.getInteger("expires_in")).isBetween(280, 300); // the IdP token had 5 minutes left: never outlive it
        JWTClaimsSet c = SignedJWT.parse(body.getString("access_token")).getJWTClaimsSet();
        assertThat(c.getSubject()).startsWith("usr_");
        assertThat(c.getAudience()).containsExactly("reports-api");
        assertThat(c.getStringClaim("org")).isEqualTo("acme");
        assertThat(c.getStringClaim("scope")).isEqualTo("read");
        assertThat(c.getStringListClaim("roles")).containsExactly("writer");
        assertThat(call("/reports", body.getString("access_token")).statusCode()).isEqualTo(200);

        // Same kid as the IdP's key, signed with another key.
        var impostorKey = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("ec-1").generate();
        String forged = idp.sign(impostorKey, idp.claims("mallory", "bastion-api", "acme").build());
        for (String bad : List.of(forged, "not-a-token", idp.sign(idp.ec, idp.claims("bob", "bastion-api", "unknown-org").build()))) {
            r = token("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + bad
                    + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt", null, null);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_grant");
        }
        r = token("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + idpToken
                + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt&scope=admin", null, null);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_scope");
    }

    @Test
    void jwksIsPublishedAndRotationKeepsOldTokensValid() throws Exception {
        String before = accessToken(token("grant_type=client_credentials", client.client().id(), client.secret()));
        HttpResponse<String> jwks = gw.send(gw.request("/.well-known/jwks.json").GET().build());
        assertThat(jwks.statusCode()).isEqualTo(200);
        JWKSet set = JWKSet.parse(jwks.body());
        assertThat(set.getKeys()).isNotEmpty().allMatch(k -> !k.isPrivate());
        assertThat(jwks.body()).doesNotContain("\"d\"");
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        // What `bastion tokens rotate-key` does, from another process's point of view: same store, same master key.
        MasterKey master = MasterKey.fromKeysetJson(java.nio.file.Files.readString(gw.dir.resolve("master-key.json")));
        SigningKeys keys = new SigningKeys(gw.store, master,
                new dev.bastion.config.TokensConfig("https://bastion.test", null, null, null, null, null, null, null, null, null, null, null), Clock.systemUTC());
        keys.refresh();
        String newKid = keys.rotate();
        // Nodes pick the new key up on their next refresh (key_refresh: 1s here).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && !gw.send(gw.request("/.well-known/jwks.json").GET().build()).body().contains(newKid)) Thread.sleep(500);
        String published = gw.send(gw.request("/.well-known/jwks.json").GET().build()).body();
        assertThat(published).contains(newKid).contains(oldKid);
        assertThat(call("/api/x", before).statusCode()).as("tokens signed with the previous key still verify").isEqualTo(200);
        // The new key signs once every node has had time to read it (2 × key_refresh).
        String after;
        do {
            after = accessToken(token("grant_type=client_credentials", client.client().id(), client.secret()));
            if (newKid.equals(SignedJWT.parse(after).getHeader().getKeyID())) break;
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        assertThat(call("/api/x", after).statusCode()).isEqualTo(200);
        assertThat(call("/api/x", before).statusCode()).as("and the previous key keeps verifying its tokens").isEqualTo(200);

        // A leaked key is withdrawn: its tokens stop working on the node within key_refresh.
        assertThat(keys.withdraw(oldKid)).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status;
        do {
            status = call("/api/x", before).statusCode();
            if (status == 401) break;
            Thread.sleep(200);
        } while (System.nanoTime() < until);
        assertThat(status).isEqualTo(401);
        assertThat(gw.send(gw.request("/.well-known/jwks.json").GET().build()).body()).doesNotContain(oldKid);
    }

    @Test
    void aTokenLivingLongerThanBastionEverIssuesIsRefused() throws Exception {
        // As if minted with a stolen signing key: valid signature, but a week of lifetime.
        MasterKey master = MasterKey.fromKeysetJson(java.nio.file.Files.readString(gw.dir.resolve("master-key.json")));
        dev.bastion.config.TokensConfig cfg = new dev.bastion.config.TokensConfig("https://bastion.test", null, null, null, null, null, null, null,
                null, null, null, null);
        SigningKeys keys = new SigningKeys(gw.store, master, cfg, Clock.systemUTC());
        keys.refresh();
        var issuer = new dev.bastion.tokens.TokenIssuer(keys, cfg, Clock.systemUTC());
        String week = issuer.accessToken(client.client().id(), "acme", Set.of("invoke"), Set.of(), "bastion", Duration.ofDays(7), client.client().id()).token();
        HttpResponse<String> r = call("/api/x", week);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("token_lifetime_too_long");
        String hour = issuer.accessToken(client.client().id(), "acme", Set.of("invoke"), Set.of(), "bastion", Duration.ofHours(1), client.client().id()).token();
        assertThat(call("/api/x", hour).statusCode()).isEqualTo(200);
    }

    @Test
    void anUpstreamCanVerifyTheIdentityHeaderWithBastionsJwks() throws Exception {
        String at = accessToken(token("grant_type=client_credentials", client.client().id(), client.secret()));
        assertThat(call("/api/orders", at).statusCode()).isEqualTo(200);
        String identity = gw.upstream.last().headers().get("X-Bastion-Identity");
        String requestId = gw.upstream.last().headers().get("X-Request-Id");

        // What an upstream does: fetch Bastion's JWKS, verify signature, issuer, audience (its own name), expiry.
        JWKSet jwks = JWKSet.parse(gw.send(gw.request("/.well-known/jwks.json").GET().build()).body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, ctx) -> {
            if (type == null || !"bastion-id+jwt".equals(type.getType())) throw new com.nimbusds.jose.proc.BadJOSEException("wrong typ");
        });
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), new ImmutableJWKSet<>(jwks)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("app", new JWTClaimsSet.Builder().issuer("https://bastion.test").build(),
                Set.of("sub", "org", "exp", "iat", "request_id")));
        JWTClaimsSet c = processor.process(identity, null);
        assertThat(c.getSubject()).isEqualTo(client.client().id());
        assertThat(c.getStringClaim("org")).isEqualTo("acme");
        assertThat(c.getStringListClaim("scopes")).containsExactlyInAnyOrder("admin", "invoke");
        assertThat(c.getStringClaim("request_id")).isEqualTo(requestId);
        assertThat(c.getJWTID()).as("identity_binding: request, as identity.md says: request_id, no jti").isNull();
        assertThat(Duration.between(c.getIssueTime().toInstant(), c.getExpirationTime().toInstant())).isLessThanOrEqualTo(Duration.ofSeconds(60));

        // Replayed to Bastion as a credential: refused (wrong type), even on a route that takes Bastion tokens.
        HttpResponse<String> replay = call("/api/orders", identity);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(replay.body()).getJsonObject("error").getString("code")).isEqualTo("token_type_invalid");
    }

    @Test
    void hmacSignatureLetsTheUpstreamCheckEveryRequest() throws Exception {
        String at = accessToken(token("grant_type=client_credentials", client.client().id(), client.secret()));
        HttpResponse<String> r = gw.send(gw.request("/either?x=1").header("Authorization", "Bearer " + at).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        var seen = gw.upstream.last();
        byte[] secret = HMAC_SECRET.getBytes(StandardCharsets.UTF_8);
        String ts = seen.headers().get(RequestSigner.TIMESTAMP_HEADER);
        String sig = seen.headers().get(RequestSigner.SIGNATURE_HEADER);
        assertThat(RequestSigner.verify(secret, ts, sig, "POST", "/either?x=1", seen.body().getBytes(), Instant.now(), RequestSigner.DEFAULT_WINDOW)).isTrue();
        // Tampering with anything, or replaying later than the window, fails the check.
        assertThat(RequestSigner.verify(secret, ts, sig, "POST", "/either?x=2", seen.body().getBytes(), Instant.now(), RequestSigner.DEFAULT_WINDOW)).isFalse();
        assertThat(RequestSigner.verify(secret, ts, sig, "POST", "/either?x=1", "{\"a\":2}".getBytes(), Instant.now(), RequestSigner.DEFAULT_WINDOW)).isFalse();
        assertThat(RequestSigner.verify(secret, ts, sig, "POST", "/either?x=1", seen.body().getBytes(), Instant.now().plusSeconds(600),
                RequestSigner.DEFAULT_WINDOW)).isFalse();
        assertThat(RequestSigner.verify("other".getBytes(), ts, sig, "POST", "/either?x=1", seen.body().getBytes(), Instant.now(),
                RequestSigner.DEFAULT_WINDOW)).isFalse();
        // A client cannot pre-set these headers: they are stripped and recomputed.
        gw.send(gw.request("/either").header("Authorization", "Bearer " + at).header("X-Bastion-Signature", "v1=forged")
                .header("X-Bastion-Identity", "forged").GET().build());
        assertThat(gw.upstream.last().headers().get("X-Bastion-Signature")).isNotEqualTo("v1=forged");
        assertThat(gw.upstream.last().headers().get("X-Bastion-Identity")).isNotEqualTo("forged");
    }

    @Test
    void theUserTokenIsForwardedOnlyWhereTheRouteSaysSo() throws Exception {
        String idpToken = idp.sign(idp.ec, idp.claims("carol", "bastion-api", "acme").build());
        assertThat(call("/user-token", idpToken).statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().headers().get("Authorization")).isEqualTo("Bearer " + idpToken);
        assertThat(gw.upstream.last().headers().get("X-Bastion-Identity")).as("identity_token: false").isNull();
        assertThat(call("/either", idpToken).statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().headers().get("Authorization")).isNull();
    }
}
