package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /health/status} (E6) over real HTTP: on the admin listener only, each component's state and last error. */
class HealthStatusTest {
    static final String CONFIG = TestGateway.config("""
              - id: chat
                match: { methods: [POST], path: /v1/chat/completions }
                llm: chat
                auth: { methods: [api_key] }
            models:
              m1:
                deployments: [{ upstream: app, model: gpt-x }]
            """);

    @Test
    void everyComponentWithItsStateOnTheAdminListenerOnly() throws Exception {
        try (TestGateway gw = TestGateway.start(CONFIG)) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri("/health/status")).build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonObject body = new JsonObject(r.body());
            assertThat(body.getString("state")).isEqualTo("ok");
            JsonObject c = body.getJsonObject("components");
            assertThat(c.fieldNames()).containsExactlyInAnyOrder("store", "deployments", "signing_keys", "secrets");
            assertThat(c.getJsonObject("store").getString("state")).isEqualTo("ok");
            assertThat(c.getJsonObject("deployments").getJsonArray("items").getJsonObject(0).getMap())
                    .containsEntry("id", "app/gpt-x").containsEntry("breaker", "closed").containsEntry("state", "ok");
            JsonObject keys = c.getJsonObject("signing_keys");
            assertThat(keys.getString("state")).isEqualTo("ok");
            assertThat(keys.getLong("current_key_age_seconds")).isBetween(0L, 60L);
            assertThat(keys.getString("current_kid")).startsWith("bst-");
            assertThat(c.getJsonObject("secrets").getMap()).containsEntry("state", "ok").containsEntry("overdue", 0);
            assertThat(gw.get("/health/status", null).statusCode()).as("not on the public listener").isEqualTo(404);
            assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY);
            // The access line names the admin endpoints' operation.
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(new JsonObject(gw.accessLine(id)).getString("operation")).isEqualTo("health");
        }
    }

    @Test
    void aStoreThatIsGoneIsDownWithItsErrorAndTheWholeIs503() throws Exception {
        try (TestGateway gw = TestGateway.start(CONFIG)) {
            gw.store.close();
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri("/health/status")).build());
            assertThat(r.statusCode()).isEqualTo(503);
            JsonObject body = new JsonObject(r.body());
            assertThat(body.getString("state")).isEqualTo("down");
            JsonObject store = body.getJsonObject("components").getJsonObject("store");
            assertThat(store.getString("state")).isEqualTo("down");
            assertThat(store.getJsonObject("last_error").getString("class")).isNotBlank();
            assertThat(store.getJsonObject("last_error").getString("message").length()).isLessThanOrEqualTo(161);
        }
    }
}
