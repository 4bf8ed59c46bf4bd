package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import dev.bastion.testing.VaultStandIn;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-org provider keys (bring your own key) end to end: {@code vault:secret/data/{env}/{org}/openai#api_key}
 * read per request for the caller's org from a Vault stand-in, cached per org, never crossing tenants.
 */
class OrgProviderKeysTest {
    static final String ACME_KEY = "sk-acme-own-key-1111111111111";
    static final String ACME_NEW = "sk-acme-new-key-3333333333333";
    static final String GLOBEX_KEY = "sk-globex-own-key-22222222222";
    static final ObjectMapper JSON = new ObjectMapper();

    Vertx vertx;
    VaultStandIn vault;
    TestGateway gw;
    String token;
    String acme, globex, initech;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        vault = new VaultStandIn(vertx, true);
        token = vault.token(0, 0, false, null);
        vault.put("secret/prod/acme/openai", Map.of("api_key", ACME_KEY));
        vault.put("secret/prod/globex/openai", Map.of("api_key", GLOBEX_KEY));
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                environment: dev
                secrets:
                  env: prod
                  org_keys: { cache_ttl: 1s, missing_ttl: 300ms }
                  vault:
                    address: "%s"
                    ca_file: "%s"
                    auth: { token: env:VAULT_TOKEN }
                upstreams:
                  byok:
                    url: "{{upstream}}"
                    api_key: "vault:secret/data/{env}/{org}/openai#api_key"
                routes:
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: byok
                    strip_prefix: /app
                    auth: { methods: [api_key] }
                  - id: open
                    match: { methods: [GET], path: /open/* }
                    upstream: byok
                    strip_prefix: /open
                    public: true
                """.formatted(vault.address(), vault.caFile()), 2, Map.of("VAULT_TOKEN", token));
        acme = gw.createKey("acme", "invoke");
        globex = gw.createKey("globex", "invoke");
        initech = gw.createKey("initech", "invoke");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gw != null) gw.close();
        vault.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    HttpResponse<String> get(String clientKey) throws Exception {
        return gw.send(gw.request("/app/x").header("Authorization", "Bearer " + clientKey).GET().build());
    }

    String lastAuthorization() {
        List<StubUpstream.Seen> seen = gw.upstream.seen();
        return seen.getLast().headers().get("Authorization");
    }

    @Test
    void eachOrgReachesTheProviderWithItsOwnKey() throws Exception {
        assertThat(get(acme).statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer " + ACME_KEY);
        assertThat(get(globex).statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer " + GLOBEX_KEY);
        for (int i = 0; i < 10; i++) {
            String who = i % 2 == 0 ? acme : globex;
            assertThat(get(who).statusCode()).isEqualTo(200);
            assertThat(lastAuthorization()).isEqualTo("Bearer " + (who.equals(acme) ? ACME_KEY : GLOBEX_KEY));
        }
    }

    @Test
    void anOrgWithoutAKeyGets424RightAfterAnotherOrgsRequestAndNothingReachesTheProvider() throws Exception {
        try (LogCapture logs = LogCapture.capture()) {
            assertThat(get(acme).statusCode()).isEqualTo(200);
            int before = gw.upstream.seen().size();
            HttpResponse<String> r = get(initech);
            assertThat(r.statusCode()).isEqualTo(424);
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("provider_key_missing");
            assertThat(error.get("message").asText()).contains("upstream 'byok'").doesNotContain("secret/").doesNotContain("prod").doesNotContain("initech");
            assertThat(error.get("request_id").asText()).isNotBlank();
            assertThat(gw.upstream.seen()).as("no request without the org's own key").hasSize(before);
            // and again, from the cache of its missing key; acme still gets its own
            assertThat(get(initech).statusCode()).isEqualTo(424);
            assertThat(get(acme).statusCode()).isEqualTo(200);
            assertThat(lastAuthorization()).isEqualTo("Bearer " + ACME_KEY);
            for (String secret : List.of(ACME_KEY, GLOBEX_KEY, token, acme, initech)) {
                assertThat(logs.all()).doesNotContain(secret);
                assertThat(String.join("\n", gw.accessLines())).doesNotContain(secret);
            }
        }
        // the org's key appears: picked up once the missing answer expires
        vault.put("secret/prod/initech/openai", Map.of("api_key", "sk-initech-key-44444444444444"));
        Eventually.until("initech's new key is used", () -> get(initech).statusCode() == 200);
        assertThat(lastAuthorization()).isEqualTo("Bearer sk-initech-key-44444444444444");
    }

    @Test
    void aRotatedOrgKeyIsPickedUpWhenTheCacheEntryExpires() throws Exception {
        assertThat(get(acme).statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer " + ACME_KEY);
        vault.put("secret/prod/acme/openai", Map.of("api_key", ACME_NEW));
        Eventually.until("acme's rotated key is sent", () -> {
            get(acme);
            return lastAuthorization().equals("Bearer " + ACME_NEW);
        });
        assertThat(get(globex).statusCode()).isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer " + GLOBEX_KEY);
    }

    @Test
    void aBurstOfOneOrgsRequestsMakesOneVaultRead() throws Exception {
        int before = vault.calls("GET /v1/secret/data/prod/globex/openai");
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(gw.http.sendAsync(gw.request("/app/x").header("Authorization", "Bearer " + globex).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : burst) assertThat(f.get().statusCode()).isEqualTo(200);
        assertThat(vault.calls("GET /v1/secret/data/prod/globex/openai") - before).isEqualTo(1);
    }

    @Test
    void aSealedVaultIs503NotMissing() throws Exception {
        vault.seal(true);
        HttpResponse<String> r = get(globex);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo("provider_key_unavailable");
        vault.seal(false);
        assertThat(get(globex).statusCode()).as("an outage is not cached").isEqualTo(200);
        assertThat(lastAuthorization()).isEqualTo("Bearer " + GLOBEX_KEY);
    }

    @Test
    void aCallerWithoutAnOrgIsRefusedWhenTheKeyIsPerOrg() throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/open/x").GET().build());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).get("error").get("code").asText()).isEqualTo("org_required");
        assertThat(gw.upstream.seen()).isEmpty();
    }
}
