package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.AdminListenerConfig;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin listener's per-address limit. The attack: a flood of admin requests with made-up keys (each one a hash and
 * a lookup) or of console logins (each one a store write) from one address; it is refused at the edge, before any of
 * that, while the public listener serves on.
 */
class AdminRateLimitTest {
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: open
                    match: { methods: [GET], path: /open }
                    upstream: app
                    public: true
                """).replace("admin: { host: 127.0.0.1, port: 0 }", "admin: { host: 127.0.0.1, port: 0, per_ip: 6/1m }"));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void aFloodFromOneAddressIsRefusedAtTheEdgeBeforeAnyKeyIsChecked() throws Exception {
        int ok = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri(i % 2 == 0 ? "/health/live" : "/admin/v1/keys"))
                    .header("Authorization", "Bearer bst_forged_" + i).GET().build());
            if (r.statusCode() == 200 || r.statusCode() == 401) ok++;
            last = r;
        }
        assertThat(ok).as("within the limit: health answers, a forged key is refused as one").isEqualTo(6);
        assertThat(last.statusCode()).isEqualTo(401);

        HttpResponse<String> limited = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/keys"))
                .header("Authorization", "Bearer bst_forged_7").GET().build());
        assertThat(limited.statusCode()).as("refused before the key is looked at").isEqualTo(429);
        JsonObject err = new JsonObject(limited.body()).getJsonObject("error");
        assertThat(err.getString("code")).isEqualTo("rate_limited");
        assertThat(err.getString("request_id")).isEqualTo(limited.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(gw.send(HttpRequest.newBuilder(gw.adminUri("/health/live")).GET().build()).statusCode()).isEqualTo(429);

        // the public listener counts apart
        assertThat(gw.send(gw.request("/open").GET().build()).statusCode()).isEqualTo(200);
    }

    @Test
    void theLimitIsConfiguredOrTurnedOff() {
        assertThat(new AdminListenerConfig(null, null, null, null).perIpRate()).isNotNull();
        assertThat(new AdminListenerConfig(null, null, null, null, null, "off").perIpRate()).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AdminListenerConfig(null, null, null, null, null, "lots"))
                .hasMessageContaining("per_ip");
    }
}
