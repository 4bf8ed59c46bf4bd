package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
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
            assertThat(c.fieldNames()).containsExactlyInAnyOrder("store", "deployments", "signing_keys", "secrets", "audit");
            assertThat(c.getJsonObject("store").getString("state")).isEqualTo("ok");
            assertThat(c.getJsonObject("deployments").getJsonArray("items").getJsonObject(0).getMap())
                    .containsEntry("id", "app/gpt-x").containsEntry("breaker", "closed").containsEntry("state", "ok");
            JsonObject keys = c.getJsonObject("signing_keys");
            assertThat(keys.getString("state")).isEqualTo("ok");
            assertThat(keys.getLong("current_key_age_seconds")).isBetween(0L, 60L);
            assertThat(keys.getString("current_kid")).startsWith("bst-");
            assertThat(c.getJsonObject("secrets").getMap()).containsEntry("state", "ok").containsEntry("overdue", 0).containsEntry("failing", 0);
            assertThat(c.getJsonObject("audit").getMap()).containsEntry("state", "ok").containsEntry("store_up", true).containsEntry("dropped", 0)
                    .doesNotContainKey("last_error");
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
            // An event now cannot be stored: the audit writer spools it and says why.
            gw.get("/v1/models", "bst_not-a-real-key-0000000000000000");
            Eventually.until("the audit writer reports the store unreachable", () -> {
                JsonObject audit = status(gw).getJsonObject("components").getJsonObject("audit");
                return audit.getString("state").equals("degraded") && !audit.getBoolean("store_up") && audit.getJsonObject("last_error") != null
                        && audit.getLong("spool_bytes") > 0;
            });
        }
    }

    /** A secret whose re-read fails is degraded while it fails, and no longer once it is readable again. */
    @Test
    void aSecretThatCannotBeReReadIsDegradedUntilItIsReadableAgain(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("provider-key");
        Files.writeString(keyFile, TestGateway.PROVIDER_KEY);
        String config = TestGateway.config("""
                  - id: models
                    match: { methods: [GET], path: /v1/models }
                    upstream: app
                    auth: { methods: [api_key] }
                """).replace("api_key: env:PROVIDER_KEY", "api_key: file:" + keyFile) + "secrets: { poll_interval: 100ms }\n";
        try (TestGateway gw = TestGateway.start(config)) {
            Files.delete(keyFile);
            Eventually.until("secrets degraded", () -> {
                JsonObject secrets = status(gw).getJsonObject("components").getJsonObject("secrets");
                return secrets.getString("state").equals("degraded") && secrets.getLong("failing") == 1;
            });
            Files.writeString(keyFile, TestGateway.PROVIDER_KEY);
            Eventually.until("secrets ok again, the failures since start still counted", () -> {
                JsonObject secrets = status(gw).getJsonObject("components").getJsonObject("secrets");
                return secrets.getString("state").equals("ok") && secrets.getLong("failing") == 0 && secrets.getLong("reload_failures") > 0;
            });
            assertThat(status(gw).encode()).doesNotContain(TestGateway.PROVIDER_KEY);
        }
    }

    /** A SIEM sink that cannot be reached makes the audit component degraded (the store still has every event), not down. */
    @Test
    void anUnreachableSiemSinkIsDegraded() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String config = CONFIG + "audit:\n  sinks:\n    - { type: syslog, name: siem, host: 127.0.0.1, port: " + closed + ", reconnect: 200ms }\n";
        try (TestGateway gw = TestGateway.start(config)) {
            Eventually.until("the sink reported unreachable", () -> {
                JsonObject audit = status(gw).getJsonObject("components").getJsonObject("audit");
                return audit.getString("state").equals("degraded") && audit.getBoolean("store_up")
                        && audit.getJsonArray("sinks").getJsonObject(0).getString("state").equals("degraded")
                        && audit.getJsonArray("sinks").getJsonObject(0).getString("name").equals("siem");
            });
            assertThat(gw.send(HttpRequest.newBuilder(gw.adminUri("/health/status")).build()).statusCode()).isEqualTo(200);
        }
    }

    static JsonObject status(TestGateway gw) throws Exception {
        return new JsonObject(gw.send(HttpRequest.newBuilder(gw.adminUri("/health/status")).build()).body());
    }

    /** A prod gateway whose posture has warnings only starts, and lists them by id and severity — never where or why. */
    @Test
    void postureWarningsAreListedByIdAndSeverityWithoutDetail() throws Exception {
        String prod = "environment: prod\ntokens: { master_key: env:MASTER }\n" + CONFIG;
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture();
             TestGateway gw = TestGateway.start(prod, 1, java.util.Map.of("MASTER", dev.bastion.tokens.MasterKey.generateKeysetJson()))) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri("/health/status")).build());
            gw.send(HttpRequest.newBuilder(gw.adminUri("/health/status")).build());
            // Logged once at start, with the place and the fix; a status request does not log them again.
            List<String> logged = logs.lines().stream().filter(l -> l.contains("posture BP-")).toList();
            assertThat(logged).hasSize(2);
            assertThat(logged.get(0)).startsWith("dev.bastion.server.Gateway posture BP-LIMIT-001 (warn) at routes[0].limits (chat): route without a rate limit")
                    .contains("; fix: add routes[].limits, limits.defaults or limits.default_tier");
            assertThat(logged.get(1)).startsWith("dev.bastion.server.Gateway posture BP-AUDIT-002 (warn) at audit.sinks: no audit sink");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject(r.body());
            assertThat(body.getString("state")).as("posture is not a component's health").isEqualTo("ok");
            JsonObject posture = body.getJsonObject("posture");
            assertThat(posture.getInteger("fail")).isZero();
            assertThat(posture.getInteger("warn")).isEqualTo(2);
            assertThat(posture.getJsonArray("findings").stream().map(o -> ((JsonObject) o).getMap()).toList()).containsExactly(
                    java.util.Map.of("id", "BP-LIMIT-001", "severity", "warn", "count", 1),
                    java.util.Map.of("id", "BP-AUDIT-002", "severity", "warn", "count", 1));
            assertThat(r.body()).doesNotContain("routes[").doesNotContain("audit.sinks");
        }
    }

    /** A vault: secret's age is its version's date, which only the running watcher knows: posture lists it as overdue too. */
    @Test
    void aRemoteSecretPastItsMaxAgeIsAPostureWarningFromTheWatcher(@TempDir Path dir) throws Exception {
        io.vertx.core.Vertx vaultVertx = io.vertx.core.Vertx.vertx();
        try (dev.bastion.testing.VaultStandIn vault = new dev.bastion.testing.VaultStandIn(vaultVertx, true)) {
            vault.putAt("secret/prod/old", java.util.Map.of("value", "sk-vault-old-value-77777777"), java.time.Instant.now().minus(java.time.Duration.ofDays(100)));
            Path token = Files.writeString(dir.resolve("token"), vault.token(0, 0, false, null));
            String yaml = CONFIG.replace("api_key: env:PROVIDER_KEY", "api_key: \"vault:secret/data/prod/old\"") + """
                    secrets:
                      vault: { address: "%s", ca_file: "%s", auth: { token: "file:%s" } }
                    """.formatted(vault.address(), vault.caFile(), token);
            // The config alone cannot date a vault: secret: the CLI's check does not list it.
            assertThat(dev.bastion.posture.Posture.check(new dev.bastion.config.ConfigLoader().parse(yaml.replace("{{upstream}}", "http://127.0.0.1:9")
                    .replace("{{store}}", "sqlite:" + dir.resolve("x.db")), "t.yaml"), java.time.Instant.now()).findings())
                    .noneMatch(f -> f.id().equals("BP-SECRET-001"));
            try (TestGateway gw = TestGateway.start(yaml)) {
                JsonObject posture = status(gw).getJsonObject("posture");
                assertThat(posture.getJsonArray("findings").stream().map(o -> ((JsonObject) o).getMap()).toList())
                        .contains(java.util.Map.of("id", "BP-SECRET-001", "severity", "warn", "count", 1));
                assertThat(posture.encode()).doesNotContain("sk-vault-old-value").doesNotContain("secret/prod");
            }
        } finally {
            vaultVertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
