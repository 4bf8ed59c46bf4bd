package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.ResponseAction;
import dev.bastion.testing.AdminCalls;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator-only endpoints through a real gateway on loopback: posture of the running config, token signing keys
 * (rotate, withdraw) and automatic responses (list, lift) — and every one of them refused to an org admin (403).
 */
class AdminOperatorApiTest {
    static TestGateway gw;
    static AdminCalls api;
    static String operator, acmeAdmin;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: app, match: { methods: [GET], path: /app/* }, upstream: app, auth: { methods: [api_key] } }
                  - { id: open, match: { methods: [GET], path: /open/* }, upstream: app, public: true }
                """));
        api = new AdminCalls(gw);
        gw.store.orgs().ensure("acme");
        operator = gw.createKey("platform", "operator");
        acmeAdmin = gw.createKey("acme", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /admin/v1/posture", "GET, /admin/v1/secrets", "GET, /admin/v1/tokens/keys", "POST, /admin/v1/tokens/keys/rotate", "POST, /admin/v1/tokens/keys/k1/withdraw",
            "GET, /admin/v1/responses", "DELETE, /admin/v1/responses/rsp_1", "GET, /admin/v1/audit/verify", "POST, /admin/v1/orgs",
            "GET, /admin/v1/incidents", "GET, /admin/v1/mcp/pins", "POST, /admin/v1/reload"})
    void anOrgAdminIsRefusedEveryOperatorEndpoint(String method, String path) throws Exception {
        api.refused(api.call(method, path, acmeAdmin, method.equals("GET") || method.equals("DELETE") ? null : "{}"), 403, "scope_missing");
    }

    @Test
    void postureJudgesTheRunningConfig() throws Exception {
        JsonObject report = api.ok("GET", "/admin/v1/posture", operator, null, 200);
        assertThat(report.getJsonObject("summary")).isNotNull();
        assertThat(report.getJsonArray("findings").encode()).as("the public route of this config").contains("BP-AUTH-001");
    }

    @Test
    void secretsStatusNamesEveryReferenceAndNoValue() throws Exception {
        JsonObject status = api.ok("GET", "/admin/v1/secrets", operator, null, 200);
        JsonObject row = status.getJsonArray("secrets").stream().map(JsonObject.class::cast).filter(r -> r.getString("ref").contains("upstreams.app"))
                .findFirst().orElseThrow();
        assertThat(row.getString("source")).isEqualTo("env");
        assertThat(row.getString("state")).isEqualTo("unknown_age");
        assertThat(status.encode()).doesNotContain(TestGateway.PROVIDER_KEY);
    }

    @Test
    void aSigningKeyIsRotatedAndWithdrawn() throws Exception {
        JsonObject made = api.ok("POST", "/admin/v1/tokens/keys/rotate", operator, null, 201);
        String kid = made.getString("kid");
        assertThat(api.ok("GET", "/admin/v1/tokens/keys", operator, null, 200).getJsonArray("items").encode()).contains(kid).doesNotContain("private");
        assertThat(api.ok("POST", "/admin/v1/tokens/keys/" + kid + "/withdraw", operator, null, 200).getBoolean("withdrawn")).isTrue();
        api.refused(api.call("POST", "/admin/v1/tokens/keys/" + kid + "/withdraw", operator, null), 404, "not_found");
        assertThat(api.ok("GET", "/admin/v1/tokens/keys", operator, null, 200).getJsonArray("items").encode()).doesNotContain(kid);
        Eventually.until("rotation and withdrawal recorded", () -> api.events("signing_key.rotated").stream().anyMatch(e -> kid.equals(e.target()))
                && api.events("signing_key.withdrawn").stream().anyMatch(e -> kid.equals(e.target())));
    }

    @Test
    void anAutomaticResponseIsListedAndLifted() throws Exception {
        Instant now = Instant.now();
        gw.store.responses().insert(new ResponseAction("rsp_test1", "too_many_failures", ResponseAction.BLOCK_IP, "192.0.2.7", null, "n1", now,
                now.plus(Duration.ofHours(1)), null, null, "test"));
        assertThat(api.ok("GET", "/admin/v1/responses", operator, null, 200).getJsonArray("items").encode()).contains("rsp_test1");
        JsonObject lifted = api.ok("DELETE", "/admin/v1/responses/rsp_test1", operator, null, 200);
        assertThat(lifted.getString("lifted_at")).isNotNull();
        assertThat(gw.store.responses().active(Instant.now())).noneMatch(a -> a.id().equals("rsp_test1"));
        api.refused(api.call("DELETE", "/admin/v1/responses/rsp_test1", operator, null), 404, "not_found");
        Eventually.until("response.lifted recorded", () -> api.events("response.lifted").stream().anyMatch(e -> e.fields().contains("rsp_test1")));
    }
}
