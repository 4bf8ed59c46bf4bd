package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.authn.ApiKeyService;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.TestGateway;
import dev.bastion.tokens.ClientService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revocation (A8) on one node — by token, user, org, client and key, from the CLI and the tenant admin
 * API — and tenant isolation (Z2): an org's admin cannot see or touch another org's resources.
 */
class RevocationAndTenancyTest {
    static Vertx idpVertx;
    static FakeIdp idp;
    static TestGateway gw;
    static String store;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new FakeIdp(idpVertx);
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - { name: main, issuer: "IDP", jwks_uri: "IDP/keys", audiences: [bastion-api] }
                tokens:
                  endpoint: { requests_per_ip: 100000/1m }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: app
                    auth: { methods: [jwt, api_key, bastion_token] }
                """.replace("IDP", idp.issuer()));
        store = "sqlite:" + gw.dir.resolve("bastion.db");
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        idp.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> call(String bearer) throws Exception {
        return gw.send(gw.request("/app/x").header("Authorization", "Bearer " + bearer).GET().build());
    }

    static int cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        return Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    /** Polls until the request is refused with the reason, within 5 seconds (the revocation promise). */
    static void refusedWithin5s(Callable<HttpResponse<String>> request, String reason) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        HttpResponse<String> r;
        do {
            r = request.call();
            if (r.statusCode() == 401) break;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo(reason);
    }

    static String clientToken(ClientService.CreatedClient c) throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((c.client().id() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("access_token");
    }

    static HttpResponse<String> admin(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).header("Authorization", "Bearer " + bearer);
        b = "POST".equals(method) ? b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)) : b.GET();
        return gw.send(b.build());
    }

    @Test
    void revokingATokenByItsIdFromTheCli() throws Exception {
        ClientService.CreatedClient c = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), null, null);
        String t1 = clientToken(c), t2 = clientToken(c);
        assertThat(call(t1).statusCode()).isEqualTo(200);
        String jti = com.nimbusds.jwt.SignedJWT.parse(t1).getJWTClaimsSet().getJWTID();
        assertThat(cli("revoke", "--store", store, "--token", jti)).isZero();
        refusedWithin5s(() -> call(t1), "token_revoked");
        assertThat(call(t2).statusCode()).as("only that token").isEqualTo(200);
    }

    @Test
    void revokingAUserRefusesAllTheirTokens() throws Exception {
        String sub = "dave-" + System.nanoTime();
        String token = idp.sign(idp.ec, idp.claims(sub, "bastion-api", "acme").build());
        assertThat(call(token).statusCode()).isEqualTo(200);
        String userId = gw.store.users().findByExternal(idp.issuer(), sub).orElseThrow().id();
        assertThat(cli("revoke", "--store", store, "--user", userId)).isZero();
        refusedWithin5s(() -> call(token), "user_revoked");
        String another = idp.sign(idp.rsa, idp.claims(sub, "bastion-api", "acme").build());
        assertThat(call(another).statusCode()).isEqualTo(401);
    }

    @Test
    void revokingAClientRefusesItsTokensAndNewOnes() throws Exception {
        ClientService.CreatedClient c = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), null, null);
        String t = clientToken(c);
        assertThat(cli("revoke", "--store", store, "--client", c.client().id())).isZero();
        refusedWithin5s(() -> call(t), "client_revoked");
        HttpResponse<String> again = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + c.client().id() + "&client_secret=" + c.secret())).build());
        assertThat(again.statusCode()).isEqualTo(401);
    }

    @Test
    void revokingAnOrgRefusesEveryCredentialOfIt() throws Exception {
        gw.store.orgs().ensure("doomed");
        String key = gw.createKey("doomed", "invoke");
        String jwt = idp.sign(idp.ec, idp.claims("erin", "bastion-api", "doomed").build());
        String other = gw.createKey("acme", "invoke");
        assertThat(call(key).statusCode()).isEqualTo(200);
        assertThat(call(jwt).statusCode()).isEqualTo(200);
        assertThat(cli("revoke", "--store", store, "--org", "doomed")).isZero();
        refusedWithin5s(() -> call(key), "org_revoked");
        assertThat(call(jwt).statusCode()).isEqualTo(401);
        assertThat(call(other).statusCode()).isEqualTo(200);
    }

    @Test
    void revokingAKeyTakesEffectBeforeItsCacheExpires() throws Exception {
        var created = gw.createKeyRecord("acme", "invoke");
        assertThat(call(created.plaintext()).statusCode()).isEqualTo(200);
        assertThat(cli("keys", "revoke", "--store", store, created.record().id())).isZero();
        refusedWithin5s(() -> call(created.plaintext()), "api_key_revoked");
    }

    @Test
    void tenantAdminSeesAndRevokesOnlyItsOwnOrg() throws Exception {
        String acmeAdmin = gw.createKey("acme", "admin");
        ApiKeyService.CreatedKey acmeKey = gw.createKeyRecord("acme", "invoke");
        ApiKeyService.CreatedKey globexKey = gw.createKeyRecord("globex", "invoke");
        ClientService.CreatedClient globexClient = new ClientService(gw.store, Clock.systemUTC()).create("globex", Set.of("invoke"), null, null);
        String globexToken = clientToken(globexClient);
        String globexJti = com.nimbusds.jwt.SignedJWT.parse(globexToken).getJWTClaimsSet().getJWTID();

        HttpResponse<String> list = admin("GET", "/admin/v1/keys", acmeAdmin, null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(acmeKey.record().id()).doesNotContain(globexKey.record().id());

        // Another org's key, client and token: "not found", nothing happens to them, and the attempt is a security event.
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            for (String[] target : new String[][] {{"key", globexKey.record().id()}, {"client", globexClient.client().id()}, {"token", globexJti}}) {
                HttpResponse<String> r = admin("POST", "/admin/v1/revocations", acmeAdmin, new JsonObject().put("kind", target[0]).put("id", target[1]).encode());
                assertThat(r.statusCode()).as(target[0]).isEqualTo(404);
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("not_found");
            }
            assertThat(logs.all()).contains("security_event cross_tenant_attempt actor_org=acme").doesNotContain(acmeAdmin);
        }
        Thread.sleep(1500); // longer than a revocation poll: nothing was revoked
        assertThat(call(globexKey.plaintext()).statusCode()).isEqualTo(200);
        assertThat(call(globexToken).statusCode()).isEqualTo(200);

        HttpResponse<String> own = admin("POST", "/admin/v1/revocations", acmeAdmin, new JsonObject().put("kind", "key").put("id", acmeKey.record().id()).encode());
        assertThat(own.statusCode()).isEqualTo(201);
        assertThat(call(acmeKey.plaintext()).statusCode()).as("applied on this node at once").isEqualTo(401);
    }

    @Test
    void theAdminApiNeedsAnAdminCredential() throws Exception {
        HttpResponse<String> none = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/keys")).GET().build());
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> invokeOnly = admin("GET", "/admin/v1/keys", gw.createKey("acme", "invoke"), null);
        assertThat(invokeOnly.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(invokeOnly.body()).getJsonObject("error").getString("code")).isEqualTo("scope_missing");
        HttpResponse<String> bad = admin("POST", "/admin/v1/revocations", gw.createKey("acme", "admin"), "[not json");
        assertThat(bad.statusCode()).isEqualTo(400);
    }
}
