package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockFaults;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.store.UsageRepository;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prices per deployment: one public model served by a cheap and a dear deployment is billed at the price of
 * the deployment that answered — also after a failover from one to the other — and failed attempts cost nothing.
 */
class DeploymentPricesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger orgs = new AtomicInteger();
    static Vertx mockVertx;
    static MockLlmServer cheap, dear;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        cheap = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        dear = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        cheap.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dear.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    auth: { methods: [api_key] }
                    llm: chat
                    failover: { backoff: 10ms, max_backoff: 20ms }
                models:
                  gpt:
                    balance: least_in_flight   # ties go to the heavier deployment: the cheap one first
                    deployments:
                      - { upstream: cheap, model: mock-gpt-small, weight: 2, price: { input: 1, output: 2 } }
                      - { upstream: dear, model: mock-gpt-small, weight: 1, price: { input: 10, output: 30 } }
                  table-priced:
                    deployments:
                      - { upstream: cheap, model: mock-gpt-small }
                budgets:
                  prices:
                    table-priced: { input: 5, output: 5 }
                  rules:
                    - { id: spend, per: org, period: day, cost: 100 }
                """).replace("upstreams:\n", "upstreams:\n"
                + "  cheap: { url: \"http://127.0.0.1:" + cheap.port() + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  dear: { url: \"http://127.0.0.1:" + dear.port() + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clear() {
        cheap.faults().clear();
        dear.faults().clear();
    }

    record Billed(JsonNode answer, String deployment, long costMicros) {}

    Billed call(String model) throws Exception {
        String org = "priced-" + orgs.incrementAndGet();
        String key = gw.createKey(org, "invoke");
        HttpResponse<String> r = gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        JsonNode access = JSON.readTree(line);
        Instant day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        long tokens = answer.at("/usage/total_tokens").asLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<UsageRepository.Usage> u;
        do { // settled usage reaches the store every second
            u = gw.store.usage().find("spend", "org:" + org, day);
            if (u.isPresent() && u.get().tokens() >= tokens) break;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(u).isPresent();
        assertThat(u.get().tokens()).isEqualTo(tokens);
        return new Billed(answer, access.path("deployment").asText(), u.get().costMicros());
    }

    static long priced(JsonNode answer, long input, long output) {
        // A price per million tokens is a price in millionths per token.
        return answer.at("/usage/prompt_tokens").asLong() * input + answer.at("/usage/completion_tokens").asLong() * output;
    }

    @Test
    void theDeploymentThatAnswersSetsThePrice() throws Exception {
        Billed b = call("gpt");
        assertThat(b.deployment()).isEqualTo("cheap/mock-gpt-small");
        assertThat(b.costMicros()).isEqualTo(priced(b.answer(), 1, 2));
    }

    @Test
    void afterAFailoverTheAnswerIsBilledAtTheDearDeploymentsPriceAndTheFailedAttemptsAtNothing() throws Exception {
        cheap.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, 2));
        Billed b = call("gpt");
        assertThat(b.deployment()).isEqualTo("dear/mock-gpt-small");
        assertThat(cheap.faults().chatRequests()).isEqualTo(2);
        assertThat(b.costMicros()).isEqualTo(priced(b.answer(), 10, 30));
    }

    @Test
    void aDeploymentWithoutAPriceOfItsOwnUsesThePriceTable() throws Exception {
        Billed b = call("table-priced");
        assertThat(b.costMicros()).isEqualTo(priced(b.answer(), 5, 5));
    }
}
