package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The record step (O1, E6, U5): access log content, health and metrics on the admin listener only. */
class GatewayObservabilityTest {
    static final String ROUTES = """
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                upstream: app
                content_types: [application/json]
                auth: { methods: [api_key] }
                require: { scopes_all: [invoke] }
            """;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config(ROUTES));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void accessLogHasOneLinePerRequestAndNoSecretsOrContent() throws Exception {
        String key = gw.createKey("acme", "invoke");
        String revokedLooking = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        String prompt = "my SSN is 078-05-1120 and my password is hunter2";
        int already = gw.accessLines().size();
        try (LogCapture logs = LogCapture.capture()) {
            gw.send(gw.request("/v1/chat/completions?token=query-secret-123").header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")).build());
            gw.postJson("/v1/chat/completions", revokedLooking, "{\"content\":\"" + prompt + "\"}");
            gw.send(gw.request("/v1/chat/completions").header("X-Api-Key", key).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(prompt)).build());
            Thread.sleep(200); // the access line is written when the response has ended
            List<String> access = gw.accessLines().subList(already, gw.accessLines().size());
            String all = logs.all() + "\n" + String.join("\n", access);
            assertThat(all).doesNotContain(key).doesNotContain(key.substring(4, 20)).doesNotContain(revokedLooking)
                    .doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain("hunter2").doesNotContain("078-05-1120")
                    .doesNotContain("query-secret-123");
            assertThat(access).hasSize(3);
            JsonObject ok = new JsonObject(access.get(0));
            assertThat(ok.fieldNames()).contains("request_id", "route", "org_id", "key_id", "method", "path", "status", "latency_ms",
                    "upstream_ms", "bytes");
            assertThat(ok.getString("route")).isEqualTo("chat");
            assertThat(ok.getString("org_id")).isEqualTo("acme");
            assertThat(ok.getString("key_id")).startsWith("key_");
            assertThat(ok.getInteger("status")).isEqualTo(200);
            assertThat(ok.getString("path")).isEqualTo("/v1/chat/completions");
            assertThat(ok.getLong("bytes")).isPositive();
            assertThat(new JsonObject(access.get(1)).getString("error")).isEqualTo("api_key_invalid");
            assertThat(new JsonObject(access.get(2)).getInteger("status")).isEqualTo(415);
        }
    }

    @Test
    void healthAndMetricsLiveOnTheAdminListener() throws Exception {
        gw.postJson("/v1/chat/completions", gw.createKey("acme", "invoke"), "{}");
        HttpResponse<String> live = gw.send(HttpRequest.newBuilder(gw.adminUri("/health/live")).build());
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> ready = gw.send(HttpRequest.newBuilder(gw.adminUri("/health/ready")).build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("store")).isEqualTo("up");
        HttpResponse<String> metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("bastion_requests_total{code=\"none\",route=\"chat\",status=\"200\"}")
                .contains("bastion_request_duration_seconds");
        // Each step's count and time, per route: the authentication step ran (at least) for the request above, and took time.
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("bastion_step_duration_seconds_count\\{route=\"chat\",step=\"authenticate\"} (\\S+)")
                .matcher(metrics.body());
        java.util.regex.Matcher sum = java.util.regex.Pattern.compile("bastion_step_duration_seconds_sum\\{route=\"chat\",step=\"authenticate\"} (\\S+)")
                .matcher(metrics.body());
        assertThat(count.find()).as(metrics.body()).isTrue();
        assertThat(sum.find()).isTrue();
        assertThat(Double.parseDouble(count.group(1))).isGreaterThanOrEqualTo(1);
        assertThat(Double.parseDouble(sum.group(1))).isPositive();
        // The process's own health, which a soak samples: live heap after GC, threads, descriptors, each public loop's lag.
        assertThat(metrics.body()).contains("jvm_gc_live_data_size_bytes").contains("jvm_threads_live_threads")
                .contains("process_files_open_files").contains("jvm_memory_used_bytes{area=\"heap\"")
                .containsPattern("bastion_event_loop_lag_seconds_count\\{loop=\"[^\"]+\"}");
        assertThat(gw.get("/health/live", null).statusCode()).as("not on the public listener").isEqualTo(404);
        HttpResponse<String> post = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void readinessFailsWhenTheStoreIsGone() throws Exception {
        try (TestGateway other = TestGateway.start(TestGateway.config(ROUTES))) {
            other.store.close();
            HttpResponse<String> ready = other.send(HttpRequest.newBuilder(other.adminUri("/health/ready")).build());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("store")).isEqualTo("down");
            // A store fault while verifying a key is a 503, never a pass and never a misleading 401.
            HttpResponse<String> r = other.postJson("/v1/chat/completions", dev.bastion.authn.ApiKeys.generate(), "{}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("control_fault");
        }
    }
}
