package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.authn.ApiKeyService;
import dev.bastion.authn.ApiKeys;
import dev.bastion.store.ApiKeyRecord;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authentication (A4) and authorization (Z1, Z3) through real HTTP: every way a credential can be wrong. */
class GatewayAuthTest {
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    content_types: [application/json]
                    auth: { methods: [api_key] }
                    require: { scopes_all: [invoke] }
                  - id: admin-only
                    match: { methods: [GET], path: /v1/admin/things }
                    upstream: app
                    auth: { methods: [api_key] }
                    require: { scopes_all: [admin] }
                  - id: any-of
                    match: { methods: [GET], path: /v1/either }
                    upstream: app
                    auth: { methods: [api_key] }
                    require: { scopes_any: [read, admin] }
                  - id: open
                    match: { methods: [GET], path: /public/status }
                    upstream: app
                    public: true
                """));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private static JsonObject error(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error");
    }

    @Test
    void noCredentialIs401WithChallengeAndNeverReachesUpstream() throws Exception {
        int before = gw.upstream.seen().size();
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", null, "{}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("credentials_missing");
        assertThat(error(r).getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"bastion\"");
        assertThat(gw.upstream.seen()).hasSize(before);
    }

    @Test
    void forgedKeyWithBadChecksumIs401() throws Exception {
        String real = gw.createKey("acme", "invoke");
        // Flip one character of the random part: the checksum no longer matches.
        char c = real.charAt(10);
        String forged = real.substring(0, 10) + (c == 'a' ? 'b' : 'a') + real.substring(11);
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", forged, "{}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("api_key_invalid");
    }

    @Test
    void wellFormedButUnknownKeyIs401() throws Exception {
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", ApiKeys.generate(), "{}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("api_key_invalid");
    }

    @Test
    void garbageInXApiKeyIs401NotAFallThrough() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("X-Api-Key", "not-a-key")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("api_key_invalid");
    }

    @Test
    void validKeyViaBearerOrXApiKeyIsForwarded() throws Exception {
        String key = gw.createKey("acme", "invoke");
        assertThat(gw.postJson("/v1/chat/completions", key, "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("X-Api-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void twoDifferentCredentialsAreRefused() throws Exception {
        String a = gw.createKey("acme", "invoke");
        String b = gw.createKey("other", "invoke");
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Authorization", "Bearer " + a).header("X-Api-Key", b)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("credentials_ambiguous");
    }

    @Test
    void revokedKeyIsRefusedWithinTheCacheTtl() throws Exception {
        ApiKeyService.CreatedKey k = gw.createKeyRecord("acme", "invoke");
        assertThat(gw.postJson("/v1/chat/completions", k.plaintext(), "{}").statusCode()).isEqualTo(200); // now cached
        assertThat(new ApiKeyService(gw.store, Clock.systemUTC()).revoke(k.record().id())).isTrue();
        long deadline = System.nanoTime() + 3_000_000_000L; // cache_ttl is 300ms in the test config
        HttpResponse<String> r;
        do {
            r = gw.postJson("/v1/chat/completions", k.plaintext(), "{}");
            if (r.statusCode() == 401) break;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("api_key_revoked");
    }

    @Test
    void expiredKeyIs401() throws Exception {
        String plaintext = ApiKeys.generate();
        gw.store.orgs().ensure("acme");
        gw.store.apiKeys().insert(new ApiKeyRecord(ApiKeys.newId(), "acme", "old", ApiKeys.hash(plaintext), Set.of("invoke"),
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60), null));
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", plaintext, "{}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).getString("code")).isEqualTo("api_key_expired");
    }

    @Test
    void missingScopeIs403() throws Exception {
        String invokeOnly = gw.createKey("acme", "invoke");
        HttpResponse<String> r = gw.get("/v1/admin/things", invokeOnly);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r).getString("code")).isEqualTo("scope_missing");
        assertThat(gw.get("/v1/admin/things", gw.createKey("acme", "admin")).statusCode()).isEqualTo(200);
    }

    @Test
    void scopesAnyNeedsOneOfThem() throws Exception {
        assertThat(gw.get("/v1/either", gw.createKey("acme", "invoke")).statusCode()).isEqualTo(403);
        assertThat(gw.get("/v1/either", gw.createKey("acme", "read")).statusCode()).isEqualTo(200);
    }

    @Test
    void clientSentScopeOrRoleHeadersGrantNothing() throws Exception {
        String invokeOnly = gw.createKey("acme", "invoke");
        HttpResponse<String> r = gw.send(gw.request("/v1/admin/things").header("Authorization", "Bearer " + invokeOnly)
                .header("X-Bastion-Scopes", "admin").header("X-Role", "admin").header("X-Scopes", "admin").GET().build());
        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void publicRouteNeedsNoCredentialAndGetsNoIdentityHeaders() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/public/status").header("X-Bastion-Org", "acme").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().headers().get("X-Bastion-Org")).isNull();
    }
}
