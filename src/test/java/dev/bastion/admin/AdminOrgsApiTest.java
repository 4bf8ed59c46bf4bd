package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.AdminCalls;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who am I, orgs and tiers on the admin API through a real gateway on loopback: an operator creates orgs and sets their
 * tier; an org admin sees their own org only, cannot create or re-tier one (403), and another org is 404 and recorded.
 */
class AdminOrgsApiTest {
    static TestGateway gw;
    static AdminCalls api;
    static String operator, acmeAdmin, globexAdmin;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: app, match: { methods: [GET], path: /app/* }, upstream: app, auth: { methods: [api_key] } }
                limits:
                  tiers:
                    gold: [{ rate: 1000/1m, name: per-minute }]
                    free: [{ rate: 10/1m, burst: 5 }]
                  default_tier: free
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
    void whoamiSaysTheRole() throws Exception {
        JsonObject op = api.ok("GET", "/admin/v1/whoami", operator, null, 200);
        assertThat(op.getString("role")).isEqualTo("operator");
        assertThat(op.getString("org")).isEqualTo("platform");
        assertThat(op.getString("credential_type")).isEqualTo("api_key");
        JsonObject admin = api.ok("GET", "/admin/v1/whoami", acmeAdmin, null, 200);
        assertThat(admin.getString("role")).isEqualTo("org_admin");
        assertThat(admin.getJsonArray("scopes").getList()).containsExactly("admin");
        api.refused(api.call("GET", "/admin/v1/whoami", null, null), 401, "credentials_missing");
        api.refused(api.call("GET", "/admin/v1/whoami", gw.createKey("acme", "invoke"), null), 403, "scope_missing");
    }

    @Test
    void anOperatorCreatesAnOrgAndSetsItsTier() throws Exception {
        JsonObject made = api.ok("POST", "/admin/v1/orgs", operator, "{\"id\":\"initech\",\"tier\":\"gold\"}", 201);
        assertThat(made.getString("tier")).isEqualTo("gold");
        api.refused(api.call("POST", "/admin/v1/orgs", operator, "{\"id\":\"initech\"}"), 409, "org_exists");
        api.refused(api.call("POST", "/admin/v1/orgs", operator, "{\"id\":\"bad id!\"}"), 400, "request_invalid");
        assertThat(api.ok("PATCH", "/admin/v1/orgs/initech", operator, "{\"tier\":null}", 200).getValue("tier")).isNull();
        assertThat(api.ok("PATCH", "/admin/v1/orgs/initech", operator, "{\"tier\":\"free\"}", 200).getString("tier")).isEqualTo("free");
        assertThat(api.refused(api.call("PATCH", "/admin/v1/orgs/initech", operator, "{\"tier\":\"secret-tier-9\"}"), 400, "request_invalid"))
                .contains("tier").doesNotContain("secret-tier-9");
        api.refused(api.call("PATCH", "/admin/v1/orgs/nowhere", operator, "{\"tier\":\"free\"}"), 404, "not_found");
        JsonArray free = api.ok("GET", "/admin/v1/orgs?tier=free", operator, null, 200).getJsonArray("items");
        assertThat(free.encode()).contains("initech").doesNotContain("acme");
        Eventually.until("org.created and org.tier_changed recorded", () -> api.events("org.created").stream().anyMatch(e -> "org:initech".equals(e.target()))
                && api.events("org.tier_changed").stream().filter(e -> "org:initech".equals(e.target())).count() == 2);
        assertThat(api.events("org.created").stream().filter(e -> "org:initech".equals(e.target())).findFirst().orElseThrow().fields())
                .contains("\"via\":\"admin_api\"");
    }

    @Test
    void anOrgAdminSeesTheirOwnOrgOnlyAndChangesNone() throws Exception {
        JsonArray mine = api.ok("GET", "/admin/v1/orgs", acmeAdmin, null, 200).getJsonArray("items");
        assertThat(mine).hasSize(1);
        assertThat(mine.getJsonObject(0).getString("id")).isEqualTo("acme");
        assertThat(api.ok("GET", "/admin/v1/orgs/acme", acmeAdmin, null, 200).getString("id")).isEqualTo("acme");
        api.refused(api.call("POST", "/admin/v1/orgs", acmeAdmin, "{\"id\":\"mine\"}"), 403, "scope_missing");
        api.refused(api.call("PATCH", "/admin/v1/orgs/acme", acmeAdmin, "{\"tier\":\"gold\"}"), 403, "scope_missing");
        assertThat(gw.store.orgs().find("mine")).isEmpty();
        assertThat(gw.store.orgs().tierOf("acme")).isEmpty();
        long before = api.crossAttempts("globex", "acme");
        String foreign = api.refused(api.call("GET", "/admin/v1/orgs/acme", globexAdmin, null), 404, "not_found");
        api.crossAttemptRecorded("globex", "acme", before);
        assertThat(foreign).doesNotContain("created_at");
    }

    @Test
    void tiersListTheirLimitsAndHowManyUseThem() throws Exception {
        gw.store.orgs().ensure("tiered");
        gw.store.orgs().setTier("tiered", "gold");
        String key = gw.createKeyRecord("tiered", "invoke").record().id();
        gw.store.apiKeys().setTier("tiered", key, "gold");
        JsonArray tiers = api.ok("GET", "/admin/v1/tiers", acmeAdmin, null, 200).getJsonArray("items");
        JsonObject gold = tiers.stream().map(JsonObject.class::cast).filter(t -> t.getString("name").equals("gold")).findFirst().orElseThrow();
        assertThat(gold.getInteger("keys")).isEqualTo(1);
        assertThat(gold.getInteger("orgs")).isGreaterThanOrEqualTo(1);
        assertThat(gold.getBoolean("default")).isFalse();
        assertThat(gold.getJsonArray("limits").getJsonObject(0).getString("rate")).isEqualTo("1000/1m");
        assertThat(gold.encode()).as("counts only, never which orgs").doesNotContain("tiered");
        JsonObject free = tiers.stream().map(JsonObject.class::cast).filter(t -> t.getString("name").equals("free")).findFirst().orElseThrow();
        assertThat(free.getBoolean("default")).isTrue();
        assertThat(free.getJsonArray("limits").getJsonObject(0).getLong("burst")).isEqualTo(5L);
        JsonObject page = api.ok("GET", "/admin/v1/tiers?limit=1", operator, null, 200);
        assertThat(page.getJsonArray("items")).hasSize(1);
        assertThat(page.getString("next_cursor")).isNotNull();
    }
}
