package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.AdminCalls;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import dev.bastion.store.User;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Machine clients and users on the admin API through a real gateway on loopback: a client created through the API gets a
 * token from the real token endpoint with the secret shown once, and after {@code disable} gets none; an org admin
 * cannot make an operator client or touch another org's (404, recorded); users list by org, paged.
 */
class AdminClientsApiTest {
    static TestGateway gw;
    static AdminCalls api;
    static String operator, acmeAdmin, globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: app, match: { methods: [GET], path: /app/* }, upstream: app, auth: { methods: [api_key, bastion_token] } }
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

    private static HttpResponse<String> token(String clientId, String secret) throws Exception {
        return gw.send(HttpRequest.newBuilder(gw.uri("/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret)).build());
    }

    @Test
    void aClientMadeThroughTheApiGetsTokensUntilDisabled() throws Exception {
        HttpResponse<String> r = api.call("POST", "/admin/v1/clients", acmeAdmin, "{\"name\":\"batch\",\"scopes\":[\"invoke\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonObject made = new JsonObject(r.body());
        String id = made.getJsonObject("client").getString("id"), secret = made.getString("secret");
        assertThat(token(id, secret).statusCode()).isEqualTo(200);
        assertThat(api.ok("GET", "/admin/v1/clients/" + id, acmeAdmin, null, 200).encode()).doesNotContain(secret);
        assertThat(api.ok("GET", "/admin/v1/clients", acmeAdmin, null, 200).getJsonArray("items").encode()).contains(id);
        assertThat(api.ok("POST", "/admin/v1/clients/" + id + "/disable", acmeAdmin, null, 200).getBoolean("disabled")).isTrue();
        assertThat(token(id, secret).statusCode()).isEqualTo(401);
        Eventually.until("client.created and client.disabled recorded", () -> api.events("client.created").stream().anyMatch(e -> ("client:" + id).equals(e.target()))
                && api.events("client.disabled").stream().anyMatch(e -> ("client:" + id).equals(e.target())));
        assertThat(api.events("client.created").stream().filter(e -> ("client:" + id).equals(e.target())).findFirst().orElseThrow().fields()).doesNotContain(secret);
    }

    @Test
    void anOrgAdminCannotMakeAnOperatorClientNorReachAnotherOrgs() throws Exception {
        api.refused(api.call("POST", "/admin/v1/clients", acmeAdmin, "{\"name\":\"up\",\"scopes\":[\"operator\"]}"), 403, "forbidden");
        JsonObject made = api.ok("POST", "/admin/v1/clients", operator, "{\"org\":\"acme\",\"name\":\"ops-made\",\"scopes\":[\"invoke\"]}", 201);
        String id = made.getJsonObject("client").getString("id");
        long before = api.crossAttempts("globex", id);
        api.refused(api.call("GET", "/admin/v1/clients/" + id, globexAdmin, null), 404, "not_found");
        api.refused(api.call("POST", "/admin/v1/clients/" + id + "/disable", globexAdmin, null), 404, "not_found");
        api.crossAttemptRecorded("globex", id, before + 1);
        assertThat(gw.store.clients().findById(id).orElseThrow().disabled()).isFalse();
        api.refused(api.call("GET", "/admin/v1/orgs/acme/clients", globexAdmin, null), 404, "not_found");
        assertThat(api.ok("GET", "/admin/v1/orgs/acme/clients", operator, null, 200).getJsonArray("items").encode()).contains(id);
        api.refused(api.call("GET", "/admin/v1/clients", null, null), 401, "credentials_missing");
        api.refused(api.call("GET", "/admin/v1/clients?cursor=b19vdGhlcg", operator, null), 400, "request_invalid");
    }

    @Test
    void usersListByOrgAndPage() throws Exception {
        Instant now = Instant.now();
        for (int i = 0; i < 3; i++) gw.store.users().insertIfAbsent(new User("usr_acme" + i, "acme", "https://idp.test", "sub-" + i, "reader", now, now));
        gw.store.users().insertIfAbsent(new User("usr_globex", "globex", "https://idp.test", "sub-g", "admin", now, now));
        JsonObject first = api.ok("GET", "/admin/v1/users?limit=2", acmeAdmin, null, 200);
        assertThat(first.getJsonArray("items")).hasSize(2);
        JsonObject second = api.ok("GET", "/admin/v1/users?limit=2&cursor=" + first.getString("next_cursor"), acmeAdmin, null, 200);
        assertThat(second.getJsonArray("items")).hasSize(1);
        assertThat(second.getValue("next_cursor")).isNull();
        assertThat(first.encode() + second.encode()).doesNotContain("usr_globex");
        assertThat(api.ok("GET", "/admin/v1/users?org=globex", operator, null, 200).getJsonArray("items").encode()).contains("usr_globex");
        api.refused(api.call("GET", "/admin/v1/users?org=globex", acmeAdmin, null), 404, "not_found");
    }
}
