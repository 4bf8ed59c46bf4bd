package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.AdminCalls;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail on the admin API through a real gateway on loopback: events newest first, filtered and paged; an org
 * admin held to their own org's events whatever they ask; the verification report for operators only.
 */
class AdminAuditApiTest {
    static TestGateway gw;
    static AdminCalls api;
    static String operator, acmeAdmin, globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: app, match: { methods: [GET], path: /app/* }, upstream: app, auth: { methods: [api_key] } }
                """));
        api = new AdminCalls(gw);
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
        operator = gw.createKey("platform", "operator");
        acmeAdmin = gw.createKey("acme", "admin");
        globexAdmin = gw.createKey("globex", "admin");
        for (int i = 0; i < 3; i++) api.ok("POST", "/admin/v1/keys", acmeAdmin, "{\"name\":\"k" + i + "\",\"scopes\":[\"invoke\"]}", 201);
        api.ok("POST", "/admin/v1/keys", globexAdmin, "{\"name\":\"g\",\"scopes\":[\"invoke\"]}", 201);
        Eventually.until("the four key.created events stored", () -> api.events("key.created").size() >= 4);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void eventsComeNewestFirstFilteredAndPaged() throws Exception {
        JsonArray all = api.ok("GET", "/admin/v1/audit/events?type=key.created&org=acme", operator, null, 200).getJsonArray("items");
        assertThat(all).hasSize(3);
        Instant previous = Instant.MAX;
        for (Object o : all) {
            JsonObject e = (JsonObject) o;
            assertThat(e.getJsonObject("actor").getString("org")).isEqualTo("acme");
            Instant t = Instant.parse(e.getString("time"));
            assertThat(t).isBeforeOrEqualTo(previous);
            previous = t;
        }
        Set<String> seen = new HashSet<>();
        JsonObject first = api.ok("GET", "/admin/v1/audit/events?type=key.created&org=acme&limit=2", operator, null, 200);
        JsonObject second = api.ok("GET", "/admin/v1/audit/events?type=key.created&org=acme&limit=2&cursor=" + first.getString("next_cursor"), operator, null, 200);
        assertThat(second.getValue("next_cursor")).isNull();
        for (JsonObject p : new JsonObject[] {first, second}) for (Object o : p.getJsonArray("items")) assertThat(seen.add(((JsonObject) o).getString("id"))).isTrue();
        assertThat(seen).hasSize(3);
        assertThat(api.ok("GET", "/admin/v1/audit/events?type=key.*&to=2000-01-01T00:00:00Z", operator, null, 200).getJsonArray("items")).isEmpty();
        assertThat(api.ok("GET", "/admin/v1/audit/events?type=key.*&from=2000-01-01T00:00:00Z", operator, null, 200).getJsonArray("items").size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void anOrgAdminSeesTheirOwnOrgsEventsOnly() throws Exception {
        JsonArray mine = api.ok("GET", "/admin/v1/audit/events?type=key.created", globexAdmin, null, 200).getJsonArray("items");
        assertThat(mine).hasSize(1);
        assertThat(mine.encode()).doesNotContain("\"org\":\"acme\"");
        long before = api.crossAttempts("globex", "acme");
        api.refused(api.call("GET", "/admin/v1/audit/events?org=acme", globexAdmin, null), 404, "not_found");
        api.crossAttemptRecorded("globex", "acme", before);
        api.refused(api.call("GET", "/admin/v1/audit/verify", acmeAdmin, null), 403, "scope_missing");
    }

    @Test
    void badTimesAndCursorsAreRefusedByName() throws Exception {
        assertThat(api.refused(api.call("GET", "/admin/v1/audit/events?from=yesterday-secret-5", operator, null), 400, "request_invalid"))
                .contains("from").doesNotContain("secret-5");
        api.refused(api.call("GET", "/admin/v1/audit/events?cursor=bzo5OTk5OTk", operator, null), 400, "request_invalid"); // past the depth cap
        api.refused(api.call("GET", "/admin/v1/audit/events", null, null), 401, "credentials_missing");
    }

    @Test
    void theVerifyReportSaysTheTrailIsIntact() throws Exception {
        JsonObject report = api.ok("GET", "/admin/v1/audit/verify", operator, null, 200);
        assertThat(report.getBoolean("ok")).as(report.encode()).isTrue();
        assertThat(report.getLong("events")).isGreaterThanOrEqualTo(4L);
        assertThat(report.getJsonArray("problems")).isEmpty();
    }
}
