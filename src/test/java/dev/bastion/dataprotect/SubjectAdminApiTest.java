package dev.bastion.dataprotect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.User;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subject requests on the admin API of a real gateway: a tenant admin exports and deletes its own org's users and
 * exports its own org — and, the attack, another org's user is "not found" (and recorded), never exported or deleted.
 */
class SubjectAdminApiTest {
    static TestGateway gw;
    static final String ACME_USER = "usr_acme0000000000001";
    static final String ACME_USER_2 = "usr_acme0000000000002";
    static final String GLOBEX_USER = "usr_globex00000000001";

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: app
                    match: { methods: [GET], path: /app }
                    upstream: app
                    auth: { methods: [api_key] }
                """));
        Instant now = Instant.now();
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
        gw.store.users().insertIfAbsent(new User(ACME_USER, "acme", "https://idp.example", "ann@acme.example", "member", now, now));
        gw.store.users().insertIfAbsent(new User(ACME_USER_2, "acme", "https://idp.example", "al@acme.example", "member", now, now));
        gw.store.users().insertIfAbsent(new User(GLOBEX_USER, "globex", "https://idp.example", "gus@globex.example", "member", now, now));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static HttpResponse<String> call(String method, String path, String bearer) throws Exception {
        return gw.send(HttpRequest.newBuilder(gw.adminUri(path)).header("Authorization", "Bearer " + bearer).method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    @Test
    void anAdminExportsItsOwnUsersAndOrgAndNeverAnotherOrgs() throws Exception {
        String acmeAdmin = gw.createKey("acme", "admin");
        HttpResponse<String> mine = call("GET", "/admin/v1/data/users/" + ACME_USER, acmeAdmin);
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        JsonObject doc = new JsonObject(mine.body());
        assertThat(doc.getString("schema")).isEqualTo(SubjectRequests.SCHEMA);
        assertThat(doc.getJsonObject("tables").getJsonArray("users").getJsonObject(0).getString("external_id")).isEqualTo("ann@acme.example");

        HttpResponse<String> theirs = call("GET", "/admin/v1/data/users/" + GLOBEX_USER, acmeAdmin);
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(theirs.body()).doesNotContain("gus@globex.example");
        assertThat(call("GET", "/admin/v1/data/users/x/" + ACME_USER, acmeAdmin).statusCode()).as("one segment only").isEqualTo(404);

        HttpResponse<String> org = call("GET", "/admin/v1/data/org", acmeAdmin);
        assertThat(org.statusCode()).isEqualTo(200);
        assertThat(org.body()).contains("ann@acme.example").doesNotContain("gus@globex.example").doesNotContain("\"globex\"").doesNotContain("key_hash");
        JsonObject orgDoc = new JsonObject(org.body());
        for (String table : orgDoc.getJsonObject("tables").fieldNames()) {
            orgDoc.getJsonObject("tables").getJsonArray(table).forEach(row -> assertThat(((JsonObject) row).getString(table.equals("orgs") ? "id" : "org_id"))
                    .as(table).isEqualTo("acme"));
        }
        // acme's own events only (one of them names the globex user acme's admin asked for: acme's own request, recorded)
        orgDoc.getJsonArray("audit_events").forEach(e -> assertThat(((JsonObject) e).getJsonObject("actor").getString("org")).isEqualTo("acme"));
        Eventually.until("the export and the cross-tenant attempt recorded", () -> {
            String types = gw.store.audit().search(dev.bastion.store.AuditRepository.Filter.ALL, 1000, true, false).stream()
                    .map(r -> r.type() + ":" + r.target()).toList().toString();
            return types.contains("data.export:user:" + ACME_USER) && types.contains("tenant.cross_attempt") && types.contains("data.export:org:acme");
        });
        assertThat(call("GET", "/admin/v1/data/org", gw.createKey("acme", "invoke")).statusCode()).as("needs the admin scope").isEqualTo(403);
    }

    @Test
    void anAdminDeletesItsOwnUserAndCannotDeleteAnotherOrgs() throws Exception {
        String acmeAdmin = gw.createKey("acme", "admin");
        HttpResponse<String> theirs = call("DELETE", "/admin/v1/data/users/" + GLOBEX_USER, acmeAdmin);
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(gw.store.users().findById(GLOBEX_USER)).isPresent();

        new DataKeys(gw.store.dataKeys(), Keks.of(Keks.master(dev.bastion.tokens.MasterKey.fromKeysetJson(dev.bastion.tokens.MasterKey.generateKeysetJson()))),
                dev.bastion.config.DataProtectionConfig.DEFAULTS, java.time.Clock.systemUTC()).seal("user:" + ACME_USER_2, "p", new byte[1]);
        HttpResponse<String> mine = call("DELETE", "/admin/v1/data/users/" + ACME_USER_2, acmeAdmin);
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        assertThat(new JsonObject(mine.body()).getInteger("keys_destroyed")).isEqualTo(1);
        assertThat(gw.store.users().findById(ACME_USER_2)).isEmpty();
        assertThat(gw.store.dataKeys().versions("user:" + ACME_USER_2)).allSatisfy(k -> assertThat(k.state()).isEqualTo("destroyed"));
        assertThat(call("DELETE", "/admin/v1/data/users/" + ACME_USER_2, acmeAdmin).statusCode()).isEqualTo(404);
    }
}
