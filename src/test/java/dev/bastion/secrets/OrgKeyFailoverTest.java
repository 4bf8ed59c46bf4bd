package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A per-org key missing on one deployment: the failover plan moves on as for an unavailable deployment
 * (nothing was sent), the deployment's breaker is not charged, and an org with no key anywhere gets 424.
 */
class OrgKeyFailoverTest {
    @TempDir Path dir;
    Vertx vertx;
    MockLlmServer mock;
    TestGateway gw;

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDeploymentWithoutTheOrgsKeyIsSkippedAndTheNextOneAnswers() throws Exception {
        vertx = Vertx.vertx();
        mock = new MockLlmServer(vertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Files.createDirectories(dir.resolve("primary"));
        Files.createDirectories(dir.resolve("backup"));
        Files.writeString(dir.resolve("backup/acme"), TestGateway.PROVIDER_KEY); // acme's key only at the backup
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                upstreams:
                  primary: { url: "http://127.0.0.1:%1$d", kind: ai, api_key: "file:%2$s/primary/{org}" }
                  backup: { url: "http://127.0.0.1:%1$d", kind: ai, api_key: "file:%2$s/backup/{org}" }
                breakers: { failure_rate: 50, minimum_calls: 2, window: 4, open_for: 30s, half_open_calls: 1 }
                models:
                  m1: { deployments: [{ upstream: primary, model: mock-gpt-small }], fallbacks: [m2] }
                  m2: { deployments: [{ upstream: backup, model: mock-gpt-large }] }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    failover: { fallback_on: [unavailable] }
                """.formatted(mock.port(), dir));
        String acme = gw.createKey("acme", "invoke");
        String globex = gw.createKey("globex", "invoke");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = chat(acme);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(r.body()).get("model").asText()).as("answered by the backup").isEqualTo("mock-gpt-large");
        }
        assertThat(mock.faults().chatRequests()).as("the primary was never sent a request").isEqualTo(5);
        // an org with no key anywhere: the last deployment's 424
        HttpResponse<String> r = chat(globex);
        assertThat(r.statusCode()).isEqualTo(424);
        assertThat(r.body()).contains("provider_key_missing").doesNotContain(dir.toString());
        // five missing keys did not open the primary's breaker (minimum_calls 2, failure_rate 50)
        String health = gw.send(HttpRequest.newBuilder(gw.adminUri("/health/deployments")).build()).body();
        assertThat(health).contains("\"status\":\"ok\"").doesNotContain("\"open\"");
    }

    HttpResponse<String> chat(String key) throws Exception {
        return gw.send(gw.request("/v1/chat/completions").header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m1\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
    }
}
