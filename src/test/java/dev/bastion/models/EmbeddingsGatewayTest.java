package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockFaults;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.store.UsageRepository;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /v1/embeddings} routed by model through the catalogue, over real HTTP: OpenAI, Azure and Gemini
 * deployments on the mock's stand-ins (which demand each provider's key in its own header and refuse what
 * the real APIs refuse), the same failover, budgets and headers as chat, an Anthropic deployment refused
 * before anything is sent, and the official OpenAI SDK — which asks for base64 — against a Gemini model.
 */
class EmbeddingsGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Vertx mockVertx;
    static MockLlmServer mock;
    static TestGateway gw;
    static final AtomicInteger orgs = new AtomicInteger();
    static final Map<String, String> DEPLOYED = Map.of("openai-embed", "text-embedding-3-small", "azure-embed", "prod-embed", "gemini-embed", "text-embedding-004");
    static final Map<String, String> UPSTREAM = Map.of("openai-embed", "openai", "azure-embed", "azure", "gemini-embed", "google");
    /** The native widths of the stand-ins' models (Azure's deployment runs text-embedding-3-small). */
    static final Map<String, Integer> WIDTH = Map.of("openai-embed", 1536, "azure-embed", 1536, "gemini-embed", 768);

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String url = "\"http://127.0.0.1:" + mock.port() + "\"";
        gw = TestGateway.start(TestGateway.config("""
                  - id: embed
                    match: { methods: [POST], path: /v1/embeddings }
                    auth: { methods: [api_key] }
                    llm: embeddings
                    failover: { per_deployment: 1, backoff: 10ms, max_backoff: 50ms }
                models:
                  openai-embed:
                    deployments: [{ upstream: openai, model: text-embedding-3-small }]
                  azure-embed:
                    deployments: [{ upstream: azure, provider: azure, model: prod-embed, api_version: 2024-10-21, price: { input: 7000, output: 0 } }]
                  gemini-embed:
                    deployments: [{ upstream: google, provider: gemini, model: text-embedding-004 }]
                  flaky-embed:
                    deployments: [{ upstream: flaky, model: text-embedding-3-small }]
                    fallbacks: [gemini-embed]
                  claude:
                    deployments: [{ upstream: anthropic, provider: anthropic, model: claude-mock-haiku }]
                  watched-embed:
                    deployments: [{ upstream: watched, provider: gemini, model: text-embedding-004 }]
                budgets:
                  prices:
                    openai-embed: { input: 1000, output: 0 }
                    gemini-embed: { input: 3000, output: 0 }
                    "*": { input: 500, output: 0 }
                  rules:
                    - { id: embed, per: org, period: day, tokens: 1000000, cost: 1000, routes: [embed] }
                """).replace("upstreams:\n", "upstreams:\n"
                + "  openai: { url: " + url + ", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  flaky: { url: " + url + ", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  azure: { url: " + url + ", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: api-key }\n"
                + "  google: { url: " + url + ", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-goog-api-key }\n"
                + "  anthropic: { url: " + url + ", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-api-key }\n"
                + "  watched: { url: \"{{upstream}}\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-goog-api-key }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clearFaults() {
        mock.faults().clear();
    }

    record Call(HttpResponse<String> response, JsonNode answer, String line, String org, String key) {
        int status() {
            return response.statusCode();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    static Call embed(String body) throws Exception {
        String org = "embed-" + orgs.incrementAndGet();
        String key = gw.createKey(org, "invoke");
        HttpResponse<String> r = gw.postJson("/v1/embeddings", key, body);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        JsonNode answer = r.body().startsWith("{") ? JSON.readTree(r.body()) : JSON.createObjectNode();
        return new Call(r, answer, gw.accessLine(id), org, key);
    }

    static String request(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"input\":[\"hello world\",\"a second input\"]" + extra + "}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-embed", "azure-embed", "gemini-embed"})
    void anEmbeddingsModelIsServedByItsDeploymentAsOpenAisList(String model) throws Exception {
        Call c = embed(request(model, ""));
        assertThat(c.status()).as(c.response().body()).isEqualTo(200);
        assertThat(c.answer().path("object").asText()).isEqualTo("list");
        assertThat(c.answer().path("model").asText()).isEqualTo(DEPLOYED.get(model));
        JsonNode data = c.answer().get("data");
        assertThat(data).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(data.get(i).path("object").asText()).isEqualTo("embedding");
            assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
            assertThat(data.get(i).get("embedding")).hasSize(WIDTH.get(model));
        }
        assertThat(data.get(0).get("embedding")).isNotEqualTo(data.get(1).get("embedding"));
        assertThat(c.answer().at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(c.answer().at("/usage/total_tokens").asInt()).isEqualTo(c.answer().at("/usage/prompt_tokens").asInt());
        assertThat(c.header("X-Bastion-Model")).isEqualTo(model);
        assertThat(c.header("X-Bastion-Attempts")).isEqualTo("1");
        assertThat(c.line()).contains("\"deployment\":\"" + UPSTREAM.get(model) + "/" + DEPLOYED.get(model) + "\"")
                .doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(c.key()).doesNotContain("hello world");
        assertThat(c.response().body()).doesNotContain(TestGateway.PROVIDER_KEY);
        // The width the client asks for, whatever the provider calls it.
        Call narrow = embed(request(model, ",\"dimensions\":16"));
        assertThat(narrow.status()).as(narrow.response().body()).isEqualTo(200);
        assertThat(narrow.answer().at("/data/0/embedding")).hasSize(16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-embed", "azure-embed", "gemini-embed"})
    void base64IsTheFloatVectorAsLittleEndianFloat32(String model) throws Exception {
        JsonNode floats = embed(request(model, ",\"encoding_format\":\"float\"")).answer().get("data");
        Call c = embed(request(model, ",\"encoding_format\":\"base64\""));
        assertThat(c.status()).as(c.response().body()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            JsonNode encoded = c.answer().at("/data/" + i + "/embedding");
            assertThat(encoded.isTextual()).as(encoded.getNodeType().toString()).isTrue();
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.asText())).order(ByteOrder.LITTLE_ENDIAN);
            JsonNode expected = floats.get(i).get("embedding");
            assertThat(b.remaining()).isEqualTo(expected.size() * 4);
            for (JsonNode v : expected) assertThat(b.getFloat()).isEqualTo((float) v.asDouble());
        }
    }

    @Test
    void theModelListIsAnsweredBesideTheEmbeddingsRoute() throws Exception {
        HttpResponse<String> r = gw.get("/v1/models", gw.createKey("lister", "invoke"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).findValuesAsText("id")).contains("openai-embed", "gemini-embed", "flaky-embed");
        assertThat(gw.get("/v1/models", null).statusCode()).as("with the route's own authentication").isEqualTo(401);
    }

    @Test
    void anUnknownModelIsRefusedWithOpenAisCode() throws Exception {
        Call c = embed(request("text-embedding-9", ""));
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.answer().at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(c.answer().at("/error/request_id").asText()).isEqualTo(c.header("X-Request-Id"));
    }

    @Test
    void aModelServedByAProviderWithoutEmbeddingsIsRefusedAndNothingIsSent() throws Exception {
        long before = mock.faults().chatRequests();
        Call c = embed(request("claude", ""));
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.answer().at("/error/code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(c.answer().at("/error/message").asText()).contains("anthropic has no embeddings API");
        assertThat(c.answer().at("/error/request_id").asText()).isEqualTo(c.header("X-Request-Id"));
        assertThat(mock.faults().chatRequests()).as("nothing reached the provider").isEqualTo(before);
    }

    @Test
    void tokenIdsGoToOpenAiAsTheyAreAndAreRefusedForGemini() throws Exception {
        String tokens = ",\"input\":[[15339,1917],[64,65,66]]}";
        Call openai = embed("{\"model\":\"openai-embed\"" + tokens);
        assertThat(openai.status()).as(openai.response().body()).isEqualTo(200);
        assertThat(openai.answer().get("data")).hasSize(2);
        assertThat(openai.answer().at("/usage/prompt_tokens").asInt()).isEqualTo(5);
        Call gemini = embed("{\"model\":\"gemini-embed\"" + tokens);
        assertThat(gemini.status()).isEqualTo(400);
        assertThat(gemini.answer().at("/error/code").asText()).isEqualTo("unsupported_by_provider");
        assertThat(gemini.answer().at("/error/message").asText()).contains("gemini embeds text, not token ids");
    }

    @Test
    void aProvidersRefusalReachesTheClientInOpenAisShape() throws Exception {
        Call c = embed("{\"model\":\"gemini-embed\",\"input\":[\"hello\",\"\"]}"); // Google refuses an empty text
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.answer().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(c.answer().at("/error/code").asText()).isEqualTo("invalid_argument");
        assertThat(c.answer().at("/error/message").asText()).contains("text must not be empty");
        assertThat(c.answer().at("/error/request_id").asText()).isEqualTo(c.header("X-Request-Id"));
    }

    @Test
    void anOverloadedDeploymentFailsOverToTheFallbackAndTheAnswerNamesIt() throws Exception {
        mock.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, 1));
        Call c = embed(request("flaky-embed", ""));
        assertThat(c.status()).as(c.response().body()).isEqualTo(200);
        assertThat(c.header("X-Bastion-Model")).isEqualTo("gemini-embed");
        assertThat(c.header("X-Bastion-Attempts")).isEqualTo("2");
        assertThat(c.answer().path("model").asText()).isEqualTo("text-embedding-004");
        assertThat(c.answer().at("/data/0/embedding")).hasSize(768);
        assertThat(c.line()).contains("\"deployment\":\"google/text-embedding-004\"").contains("\"deployment\":\"flaky/text-embedding-3-small\"")
                .contains("\"failure\":\"overloaded\"");
        assertThat(mock.faults().chatRequests()).as("one attempt on the overloaded deployment").isEqualTo(1);
    }

    @Test
    void theBudgetIsChargedWhatTheProviderReportedAtThePriceOfWhatServedIt() throws Exception {
        Call openai = embed(request("openai-embed", ""));
        long tokens = openai.answer().at("/usage/total_tokens").asLong();
        UsageRepository.Usage u = settled(openai.org(), tokens);
        assertThat(u.tokens()).isEqualTo(tokens);
        assertThat(u.costMicros()).as("1000 per million tokens").isEqualTo(tokens * 1000);
        // Gemini reports no usage: what Bastion counted is charged, at the Gemini model's price.
        Call gemini = embed(request("gemini-embed", ""));
        long counted = gemini.answer().at("/usage/total_tokens").asLong();
        assertThat(counted).isPositive();
        UsageRepository.Usage g = settled(gemini.org(), counted);
        assertThat(g.tokens()).isEqualTo(counted);
        assertThat(g.costMicros()).as("3000 per million tokens").isEqualTo(counted * 3000);
        // A deployment that names its own price is charged that.
        Call azure = embed(request("azure-embed", ""));
        long azureTokens = azure.answer().at("/usage/total_tokens").asLong();
        assertThat(settled(azure.org(), azureTokens).costMicros()).as("the deployment's 7000 per million").isEqualTo(azureTokens * 7000);
    }

    @Test
    void theClientsKeyNeverReachesTheProviderNorTheProvidersKeyTheClient() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json")
                .end("{\"embeddings\":[{\"values\":[0.5,-0.25,1.0]},{\"values\":[0.125,0.0,-0.75]}]}"));
        Call c = embed(request("watched-embed", ",\"user\":\"end-user-7\""));
        assertThat(c.status()).as(c.response().body()).isEqualTo(200);
        StubUpstream.Seen seen = gw.upstream.last();
        assertThat(seen.uri()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
        assertThat(seen.headers().get("x-goog-api-key")).isEqualTo(TestGateway.PROVIDER_KEY);
        seen.headers().forEach(h -> assertThat(h.getValue()).as(h.getKey()).doesNotContain(c.key()));
        assertThat(seen.headers().contains("Authorization")).isFalse();
        JsonNode sent = JSON.readTree(seen.body().getBytes());
        assertThat(sent.at("/requests/0/model").asText()).isEqualTo("models/text-embedding-004");
        assertThat(sent.at("/requests/1/content/parts/0/text").asText()).isEqualTo("a second input");
        assertThat(sent.toString()).doesNotContain("end-user-7");
        assertThat(c.answer().at("/data/1/embedding").toString()).isEqualTo("[0.125,0.0,-0.75]");
        c.response().headers().map().forEach((k, vs) -> vs.forEach(v -> assertThat(v).as(k).doesNotContain(TestGateway.PROVIDER_KEY)));
        assertThat(c.response().body()).doesNotContain(TestGateway.PROVIDER_KEY);
        assertThat(c.line()).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain(c.key());
    }

    @Test
    void theOfficialOpenAiSdkGetsVectorsFromAGeminiModelThroughBase64() throws Exception {
        String key = gw.createKey("sdk", "invoke");
        Map<String, JsonNode> cases = new HashMap<>();
        for (String line : dev.bastion.testing.NodeSdk.node("embeddings.mjs", gw.uri("/v1").toString(), key, "gemini-embed")) {
            JsonNode c = JSON.readTree(line);
            cases.put(c.path("case").asText(), c);
        }
        JsonNode wire = cases.get("wire");
        assertThat(wire.path("ok").asBoolean()).as(wire.toString()).isTrue();
        assertThat(wire.path("types").toString()).as("the SDK asked for base64, and got it").isEqualTo("[\"string\",\"string\"]");
        assertThat(wire.path("answeredBy").asText()).isEqualTo("gemini-embed");
        JsonNode decoded = cases.get("default");
        assertThat(decoded.path("ok").asBoolean()).as(decoded.toString()).isTrue();
        assertThat(decoded.path("model").asText()).isEqualTo("text-embedding-004");
        assertThat(decoded.path("lengths").toString()).isEqualTo("[768,768]");
        assertThat(decoded.path("indexes").toString()).isEqualTo("[0,1]");
        assertThat(decoded.at("/usage/prompt_tokens").asInt()).isPositive();
        JsonNode floats = cases.get("float");
        assertThat(floats.path("ok").asBoolean()).as(floats.toString()).isTrue();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(decoded.at("/head/" + i + "/" + j).asDouble()).isCloseTo(floats.at("/head/" + i + "/" + j).asDouble(), within(1e-6));
            }
        }
        assertThat(decoded.at("/head/0")).isNotEqualTo(decoded.at("/head/1"));
        assertThat(cases.get("dimensions").path("lengths").toString()).isEqualTo("[16]");
        JsonNode unknown = cases.get("unknown-model");
        assertThat(unknown.path("ok").asBoolean()).isFalse();
        assertThat(unknown.path("status").asInt()).isEqualTo(400);
        assertThat(unknown.path("code").asText()).isEqualTo("model_not_found");
    }

    static UsageRepository.Usage settled(String org, long atLeast) throws Exception {
        Instant day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<UsageRepository.Usage> u;
        do {
            u = gw.store.usage().find("embed", "org:" + org, day);
            if (u.isPresent() && u.get().tokens() >= atLeast) return u.get();
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no usage of " + atLeast + " tokens settled for " + org + ": " + u);
    }
}
