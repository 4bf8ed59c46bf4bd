package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRow;
import dev.bastion.testing.AdminCalls;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys on the admin API through a real gateway on loopback, with an operator key, an org admin of acme and one of
 * globex: create (the secret once, no-store), list with filters and pages, read, change tier and expiry, revoke — and
 * the role model's attacks: an org admin granting operator or setting a tier (403), reaching another org's key or list
 * (404 and a tenant.cross_attempt), no credential (401), bad parameters (400 naming them, never their values).
 */
class AdminKeysApiTest {
    static TestGateway gw;
    static AdminCalls api;
    static String operator, acmeAdmin, globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: app, match: { methods: [GET], path: /app/* }, upstream: app, auth: { methods: [api_key] } }
                limits:
                  tiers:
                    gold: [{ rate: 1000/1m }]
                    free: [{ rate: 10/1m, burst: 5 }]
                """));
        api = new AdminCalls(gw);
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
        operator = gw.createKey("platform", "operator");
        acmeAdmin = gw.createKey("acme", "admin");
        globexAdmin = gw.createKey("globex", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void anOrgAdminCreatesAKeyInTheirOrgSeesItsSecretOnceAndTheGatewayTakesIt() throws Exception {
        HttpResponse<String> r;
        try (LogCapture logs = LogCapture.capture()) {
            r = api.call("POST", "/admin/v1/keys", acmeAdmin, "{\"name\":\"ci\",\"scopes\":[\"invoke\"]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(logs.all()).as("the secret reaches no log").doesNotContain(new JsonObject(r.body()).getString("secret"));
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonObject made = new JsonObject(r.body());
        String secret = made.getString("secret"), id = made.getJsonObject("key").getString("id");
        assertThat(made.getJsonObject("key").getString("org")).isEqualTo("acme");
        assertThat(made.getJsonObject("key").getString("status")).isEqualTo("active");
        assertThat(gw.get("/app/x", secret).statusCode()).as("the new key works on the public listener").isEqualTo(200);

        JsonObject read = api.ok("GET", "/admin/v1/keys/" + id, acmeAdmin, null, 200);
        assertThat(read.encode()).doesNotContain(secret);
        assertThat(read.getString("id")).isEqualTo(id);
        Eventually.until("key.created recorded", () -> api.events("key.created").stream().anyMatch(e -> ("key:" + id).equals(e.target())));
        AuditRow created = api.events("key.created").stream().filter(e -> ("key:" + id).equals(e.target())).findFirst().orElseThrow();
        assertThat(created.actorOrg()).isEqualTo("acme");
        assertThat(created.requestId()).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(created.fields()).contains("\"via\":\"admin_api\"").doesNotContain(secret);
    }

    @Test
    void aKeyRevokedThroughTheApiIsRefusedByThePublicListener() throws Exception {
        JsonObject made = api.ok("POST", "/admin/v1/keys", operator, "{\"org\":\"acme\",\"name\":\"leaked\",\"scopes\":[\"invoke\"]}", 201);
        String secret = made.getString("secret"), id = made.getJsonObject("key").getString("id");
        assertThat(gw.get("/app/x", secret).statusCode()).isEqualTo(200);
        JsonObject revoked = api.ok("POST", "/admin/v1/keys/" + id + "/revoke", acmeAdmin, null, 200);
        assertThat(revoked.getString("status")).isEqualTo("revoked");
        assertThat(revoked.getString("revocation")).startsWith("rev_");
        Eventually.until("the revoked key is refused", () -> gw.get("/app/x", secret).statusCode() == 401);
        assertThat(api.ok("GET", "/admin/v1/keys?status=revoked&org=acme", operator, null, 200).getJsonArray("items").encode()).contains(id);
        assertThat(api.ok("GET", "/admin/v1/keys?status=active", acmeAdmin, null, 200).getJsonArray("items").encode()).doesNotContain(id);
    }

    @Test
    void anOrgAdminCannotGrantOperatorNorSetATierNorCreateInAnotherOrg() throws Exception {
        int before = gw.store.apiKeys().list("acme").size();
        api.refused(api.call("POST", "/admin/v1/keys", acmeAdmin, "{\"name\":\"up\",\"scopes\":[\"invoke\",\"operator\"]}"), 403, "forbidden");
        api.refused(api.call("POST", "/admin/v1/keys", acmeAdmin, "{\"name\":\"up\",\"scopes\":[\"invoke\"],\"tier\":\"gold\"}"), 403, "forbidden");
        long cross = api.crossAttempts("globex", "acme");
        String body = api.refused(api.call("POST", "/admin/v1/keys", globexAdmin, "{\"org\":\"acme\",\"name\":\"x\",\"scopes\":[\"invoke\"]}"), 404, "not_found");
        api.crossAttemptRecorded("globex", "acme", cross);
        assertThat(gw.store.apiKeys().list("acme")).hasSize(before);
        // the same body as an org that does not exist at all
        String missing = api.refused(api.call("POST", "/admin/v1/keys", globexAdmin, "{\"org\":\"nowhere\",\"name\":\"x\",\"scopes\":[\"invoke\"]}"), 404, "not_found");
        assertThat(new JsonObject(missing).getJsonObject("error").getString("message")).isEqualTo(new JsonObject(body).getJsonObject("error").getString("message"));
        // an operator may grant operator and set a tier
        JsonObject op = api.ok("POST", "/admin/v1/keys", operator, "{\"org\":\"platform\",\"name\":\"ops\",\"scopes\":[\"operator\"],\"tier\":\"gold\"}", 201);
        assertThat(op.getJsonObject("key").getString("tier")).isEqualTo("gold");
    }

    @Test
    void anotherOrgsKeyAndKeyListAreNotFoundAndRecorded() throws Exception {
        String acmeKey = gw.createKeyRecord("acme", "invoke").record().id();
        long before = api.crossAttempts("globex", acmeKey);
        String read = api.refused(api.call("GET", "/admin/v1/keys/" + acmeKey, globexAdmin, null), 404, "not_found");
        api.refused(api.call("PATCH", "/admin/v1/keys/" + acmeKey, globexAdmin, "{\"expires_at\":null}"), 404, "not_found");
        api.refused(api.call("POST", "/admin/v1/keys/" + acmeKey + "/revoke", globexAdmin, null), 404, "not_found");
        api.crossAttemptRecorded("globex", acmeKey, before + 2);
        assertThat(gw.store.apiKeys().findById(acmeKey).orElseThrow().revoked()).isFalse();
        String none = api.refused(api.call("GET", "/admin/v1/keys/key_doesnotexist", globexAdmin, null), 404, "not_found");
        assertThat(new JsonObject(none).getJsonObject("error").getString("message")).isEqualTo(new JsonObject(read).getJsonObject("error").getString("message"));

        long lists = api.crossAttempts("globex", "acme");
        api.refused(api.call("GET", "/admin/v1/keys?org=acme", globexAdmin, null), 404, "not_found");
        api.refused(api.call("GET", "/admin/v1/orgs/acme/keys", globexAdmin, null), 404, "not_found");
        api.crossAttemptRecorded("globex", "acme", lists + 1);
        // an operator reads any org's, by either address
        assertThat(api.ok("GET", "/admin/v1/orgs/acme/keys", operator, null, 200).getJsonArray("items").encode()).contains(acmeKey);
        assertThat(api.ok("GET", "/admin/v1/keys/" + acmeKey, operator, null, 200).getString("org")).isEqualTo("acme");
        assertThat(api.ok("GET", "/admin/v1/keys", globexAdmin, null, 200).getJsonArray("items").encode()).doesNotContain(acmeKey);
    }

    @Test
    void tierIsAnOperatorsAndExpiryAnAdminsToChange() throws Exception {
        String id = gw.createKeyRecord("acme", "invoke").record().id();
        api.refused(api.call("PATCH", "/admin/v1/keys/" + id, acmeAdmin, "{\"tier\":\"gold\"}"), 403, "forbidden");
        String unknown = api.refused(api.call("PATCH", "/admin/v1/keys/" + id, operator, "{\"tier\":\"platinum-secret-42\"}"), 400, "request_invalid");
        assertThat(unknown).contains("tier").doesNotContain("platinum-secret-42");
        assertThat(api.ok("PATCH", "/admin/v1/keys/" + id, operator, "{\"tier\":\"free\"}", 200).getString("tier")).isEqualTo("free");
        assertThat(api.ok("GET", "/admin/v1/keys?tier=free", acmeAdmin, null, 200).getJsonArray("items").encode()).contains(id);
        assertThat(api.ok("PATCH", "/admin/v1/keys/" + id, operator, "{\"tier\":\"default\"}", 200).getValue("tier")).isNull();

        Instant soon = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        assertThat(api.ok("PATCH", "/admin/v1/keys/" + id, acmeAdmin, "{\"expires_at\":\"" + soon + "\"}", 200).getString("expires_at")).isEqualTo(soon.toString());
        api.refused(api.call("PATCH", "/admin/v1/keys/" + id, acmeAdmin, "{\"expires_at\":\"2001-01-01T00:00:00Z\"}"), 400, "request_invalid");
        Eventually.until("key.tier_changed and key.expiry_changed recorded", () -> api.events("key.tier_changed").stream().anyMatch(e -> ("key:" + id).equals(e.target()))
                && api.events("key.expiry_changed").stream().anyMatch(e -> ("key:" + id).equals(e.target())));
    }

    @Test
    void listsPageWithACursorAndBadParametersAreNamedNeverEchoed() throws Exception {
        gw.store.orgs().ensure("paged");
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 5; i++) made.add(gw.createKeyRecord("paged", "invoke").record().id());
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = api.ok("GET", "/admin/v1/keys?org=paged&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), operator, null, 200);
            JsonArray items = page.getJsonArray("items");
            assertThat(items.size()).isLessThanOrEqualTo(2);
            for (Object o : items) assertThat(seen.add(((JsonObject) o).getString("id"))).as("no key twice").isTrue();
            cursor = page.getString("next_cursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(made);

        for (String bad : new String[] {"limit=0", "limit=501", "limit=ten", "cursor=not-a-cursor-secret-77", "status=stolen-secret-77"}) {
            String body = api.refused(api.call("GET", "/admin/v1/keys?" + bad, operator, null), 400, "request_invalid");
            assertThat(body).contains(bad.substring(0, bad.indexOf('='))).doesNotContain("secret-77").doesNotContain("ten\"");
        }
        String noJson = api.refused(api.call("POST", "/admin/v1/keys", acmeAdmin, "{\"name\":\"x\",\"scopes\":\"invoke-secret-77\"}"), 400, "request_invalid");
        assertThat(noJson).contains("scopes").doesNotContain("secret-77");
        assertThat(api.refused(api.call("POST", "/admin/v1/keys", acmeAdmin, "{\"name\":\"x\",\"scopes\":[\"NOT valid secret-77\"]}"), 400, "request_invalid"))
                .contains("scope").doesNotContain("secret-77");
    }

    @Test
    void withoutACredentialOrWithAnInvokeKeyTheApiIsClosed() throws Exception {
        api.refused(api.call("GET", "/admin/v1/keys", null, null), 401, "credentials_missing");
        api.refused(api.call("POST", "/admin/v1/keys", null, "{\"name\":\"x\",\"scopes\":[\"invoke\"]}"), 401, "credentials_missing");
        api.refused(api.call("GET", "/admin/v1/keys", gw.createKey("acme", "invoke"), null), 403, "scope_missing");
    }
}
