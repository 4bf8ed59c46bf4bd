package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.mock.MockFaults;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Models limited to plans ({@code models.NAME.tiers}): a caller whose plan does not include a model neither
 * sees it in {@code GET /v1/models} nor reaches it — not by asking for it, and not as somebody else's fallback —
 * and a plan changed at run time applies without a restart.
 */
class ModelPlansTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Vertx mockVertx;
    static MockLlmServer primary, premium;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        primary = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        premium = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        primary.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        premium.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    failover: { backoff: 10ms, max_backoff: 20ms }
                limits:
                  tiers:
                    free: []
                    pro: []
                  default_tier: free
                models:
                  small:
                    deployments: [{ upstream: primary, model: mock-gpt-small }]
                    fallbacks: [large]
                  large:
                    tiers: [pro]
                    deployments: [{ upstream: premium, model: mock-gpt-large }]
                """).replace("upstreams:\n", "upstreams:\n"
                + "  primary: { url: \"http://127.0.0.1:" + primary.port() + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  premium: { url: \"http://127.0.0.1:" + premium.port() + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clear() {
        primary.faults().clear();
        premium.faults().clear();
    }

    static HttpResponse<String> chat(String key, String model) throws Exception {
        return gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")).build());
    }

    static List<String> listed(String key) throws Exception {
        HttpResponse<String> r = gw.send(gw.request("/v1/models").header("Authorization", "Bearer " + key).GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode m : JSON.readTree(r.body()).path("data")) ids.add(m.path("id").asText());
        return ids;
    }

    @Test
    void aModelOutsideTheCallersPlanIsNeitherListedNorServedUntilThePlanChanges() throws Exception {
        String key = gw.createKey("plans-upgrade", "invoke");
        assertThat(listed(key)).containsExactly("small");
        long sent = premium.faults().chatRequests();
        HttpResponse<String> refused = chat(key, "large");
        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("model_not_in_plan");
        assertThat(error.path("request_id").asText()).isEqualTo(refused.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(premium.faults().chatRequests()).as("nothing was sent").isEqualTo(sent);

        gw.store.orgs().setTier("plans-upgrade", "pro");
        Eventually.until("the new plan applies", () -> chat(key, "large").statusCode() == 200);
        assertThat(listed(key)).containsExactly("small", "large");
    }

    @Test
    void aFallbackOutsideTheCallersPlanIsNeverTried() throws Exception {
        String free = gw.createKey("plans-free", "invoke");
        primary.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, 2));
        long sent = premium.faults().chatRequests();
        HttpResponse<String> r = chat(free, "small");
        assertThat(r.statusCode()).as("the primary's own failure, not the premium model's answer").isEqualTo(503);
        assertThat(premium.faults().chatRequests()).isEqualTo(sent);

        String pro = gw.createKey("plans-pro", "invoke");
        gw.store.orgs().setTier("plans-pro", "pro");
        Eventually.until("the pro plan applies", () -> listed(pro).contains("large"));
        primary.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, 2));
        HttpResponse<String> fellBack = chat(pro, "small");
        assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
        assertThat(fellBack.headers().firstValue("X-Bastion-Model")).contains("large");
    }

    @Test
    void aPlanTheConfigDoesNotDeclareIsAConfigError() {
        String yaml = """
                listeners: { public: { port: 8080 } }
                upstreams: { openai: { url: "https://api.openai.com", api_key: env:OPENAI_API_KEY } }
                limits: { tiers: { free: [] } }
                models:
                  large: { tiers: [gold], deployments: [{ upstream: openai }] }
                routes:
                  - { id: chat, match: { methods: [POST], path: /v1/chat/completions }, auth: { methods: [api_key] }, llm: chat }
                """;
        assertThatThrownBy(() -> new ConfigLoader().parse(yaml, "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.large.tiers: unknown tier 'gold' (declared in limits.tiers: free)");
    }
}
