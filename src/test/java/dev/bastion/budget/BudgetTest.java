package dev.bastion.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.llm.TokenCounter;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.store.UsageRepository;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * L6 budgets through a real gateway in front of the mock provider: what is reserved, what is settled for
 * JSON and streamed responses (usage present, absent, stream cut), refusals, cost, and alerts.
 */
class BudgetTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TokenCounter COUNTER = new TokenCounter();
    static Vertx mockVertx;
    static MockLlmServer mock;
    static TestGateway gw;

    static final String PROMPT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about budgets please\"}],\"max_tokens\":60%s}";

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, null, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: llm
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: "off"
                  - id: chat-guarded
                    match: { methods: [POST], path: /guarded/v1/chat/completions }
                    strip_prefix: /guarded
                    upstream: llm
                    auth: { methods: [api_key] }
                    llm: chat
                  - id: chat-priced
                    match: { methods: [POST], path: /priced/v1/chat/completions }
                    upstream: llm
                    strip_prefix: /priced
                    auth: { methods: [api_key] }
                    llm: chat
                budgets:
                  default_max_tokens: 200
                  prices:
                    gpt-4o: { input: 2.5, output: 10 }
                  rules:
                    - { id: daily, per: org, period: day, tokens: 1000, routes: [chat, chat-guarded] }
                    - { id: key-cost, per: api_key, period: month, cost: 0.01, routes: [chat-priced] }
                  alerts: [0.5, 1.0]
                """).replace("upstreams:\n", "upstreams:\n  llm: { url: \"http://127.0.0.1:" + mock.port() + "\", kind: ai }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static HttpResponse<String> chat(String key, String body, String... headers) throws Exception {
        return chatAt("/v1/chat/completions", key, body, headers);
    }

    static HttpResponse<String> chatAt(String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = gw.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return gw.send(b.build());
    }

    static Instant today() {
        return LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The settled usage once it reaches the store (written every second). */
    static UsageRepository.Usage settled(String rule, String subject, Instant period, long expectTokens) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<UsageRepository.Usage> u;
        do {
            u = gw.store.usage().find(rule, subject, period);
            if (u.isPresent() && u.get().tokens() == expectTokens) return u.get();
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return u.orElse(null);
    }

    static long total(String jsonBody) throws Exception {
        JsonNode usage = JSON.readTree(jsonBody).path("usage");
        return usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong();
    }

    @Test
    void aJsonResponseSettlesTheProvidersUsage() throws Exception {
        String key = gw.createKey("b-json", "invoke");
        HttpResponse<String> r = chat(key, PROMPT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(200);
        long used = total(r.body());
        assertThat(used).isPositive();
        assertThat(settled("daily", "org:b-json", today(), used).tokens()).isEqualTo(used);
    }

    @Test
    void aStreamGetsUsageAddedAndTheExtraChunkTakenOut() throws Exception {
        String key = gw.createKey("b-stream", "invoke");
        long expected = total(chat(gw.createKey("b-stream-ref", "invoke"), PROMPT.formatted("")).body());
        HttpResponse<String> r = chat(key, PROMPT.formatted(",\"stream\":true"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(r.body()).contains("\"content\":\"Hello\"").doesNotContain("prompt_tokens").endsWith("data: [DONE]\n\n");
        assertThat(settled("daily", "org:b-stream", today(), expected).tokens()).as("settled from the usage chunk it asked for").isEqualTo(expected);
    }

    @Test
    void aStreamThatAskedForUsageKeepsIt() throws Exception {
        String key = gw.createKey("b-asked", "invoke");
        HttpResponse<String> r = chat(key, PROMPT.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.body()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\"");
        String usageJson = r.body().lines().filter(l -> l.contains("prompt_tokens")).findFirst().orElseThrow().substring(6);
        long used = total(usageJson);
        assertThat(settled("daily", "org:b-asked", today(), used).tokens()).isEqualTo(used);
    }

    @Test
    void aStreamWithoutUsageIsSettledByCountingItsText() throws Exception {
        String key = gw.createKey("b-nousage", "invoke");
        HttpResponse<String> r = chat(key, PROMPT.formatted(",\"stream\":true"), MockLlmServer.NO_USAGE_HEADER, "true");
        assertThat(r.statusCode()).isEqualTo(200);
        long expected = prompt() + countedDeltas(r.body());
        assertThat(settled("daily", "org:b-nousage", today(), expected).tokens()).isEqualTo(expected);
    }

    @Test
    void aStreamCutMidWayIsSettledForWhatItDelivered() throws Exception {
        String key = gw.createKey("b-cut", "invoke");
        HttpRequest req = gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header(MockLlmServer.CUT_AFTER_HEADER, "5").POST(HttpRequest.BodyPublishers.ofString(PROMPT.formatted(",\"stream\":true"))).build();
        StringBuilder received = new StringBuilder();
        try {
            HttpResponse<java.io.InputStream> r = gw.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (var in = r.body()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) received.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (java.io.IOException expectedCut) {
            // the client sees the stream end abnormally: it was cut upstream
        }
        assertThat(received.toString()).doesNotContain("[DONE]");
        long expected = prompt() + countedDeltas(received.toString());
        assertThat(countedDeltas(received.toString())).isPositive();
        assertThat(settled("daily", "org:b-cut", today(), expected).tokens()).isEqualTo(expected);
    }

    @Test
    void whatTheGuardrailsHoldBackIsStillCountedTheUpstreamProducedIt() throws Exception {
        // Unguarded, the client receives every delta the upstream produced before the cut: that is the count.
        String plain = cutStream("/v1/chat/completions", gw.createKey("b-cut-plain", "invoke"));
        long produced = countedDeltas(plain);
        assertThat(produced).isPositive();
        // Guarded, the last words are still held back when the upstream dies; the budget counts them all the same.
        String guarded = cutStream("/guarded/v1/chat/completions", gw.createKey("b-cut-guarded", "invoke"));
        assertThat(countedDeltas(guarded)).isLessThan(produced);
        assertThat(settled("daily", "org:b-cut-guarded", today(), prompt() + produced).tokens()).isEqualTo(prompt() + produced);
    }

    private static String cutStream(String path, String key) throws Exception {
        HttpRequest req = gw.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header(MockLlmServer.CUT_AFTER_HEADER, "5").POST(HttpRequest.BodyPublishers.ofString(PROMPT.formatted(",\"stream\":true"))).build();
        StringBuilder received = new StringBuilder();
        try {
            HttpResponse<java.io.InputStream> r = gw.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (var in = r.body()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) received.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (java.io.IOException expectedCut) {
            // the stream ends abnormally: it was cut upstream
        }
        return received.toString();
    }

    /** The chat prompt of PROMPT as the mock (and OpenAI) count it. */
    static long prompt() throws Exception {
        return COUNTER.chatPrompt("gpt-4o", JSON.readTree(PROMPT.formatted("")).get("messages"), null);
    }

    /** Completion tokens of a stream's content deltas, counted delta by delta as Bastion does. */
    static long countedDeltas(String sse) throws Exception {
        long n = 0;
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: {")) continue;
            for (JsonNode c : JSON.readTree(line.substring(6)).path("choices")) n += COUNTER.count("gpt-4o", c.path("delta").path("content").asText(""));
        }
        return n;
    }

    @Test
    void aReservationThatDoesNotFitIsRefusedBeforeTheProviderIsCalled() throws Exception {
        String key = gw.createKey("b-refuse", "invoke");
        try (LogCapture logs = LogCapture.capture()) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = chat(key, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":5000}");
                assertThat(r.statusCode()).isEqualTo(429);
                JsonNode err = JSON.readTree(r.body()).path("error");
                assertThat(err.path("code").asText()).isEqualTo("budget_exhausted");
                assertThat(err.path("message").asText()).contains("'daily' has 1000 tokens left").contains("may use up to 5008 (prompt 8 + completion 5000)");
                assertThat(err.path("request_id").asText()).isNotBlank();
                long retry = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                assertThat(retry).isBetween(1L, 86_400L);
            }
            assertThat(logs.lines().stream().filter(l -> l.contains("budget.exhausted") && l.contains("org:b-refuse")).count())
                    .as("one audit event per account and period").isEqualTo(1);
        }
        assertThat(chat(key, PROMPT.formatted("")).statusCode()).as("a request that fits still passes").isEqualTo(200);
    }

    @Test
    void thresholdAlertsFireOnceEachAndTheBudgetHoldsExactly() throws Exception {
        String key = gw.createKey("b-alerts", "invoke");
        String body = PROMPT.formatted("");
        long per = total(chat(gw.createKey("b-alerts-ref", "invoke"), body).body());
        long reservation = prompt() + 60;
        try (LogCapture logs = LogCapture.capture()) {
            long used = 0;
            int admitted = 0;
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = chat(key, body);
                if (r.statusCode() == 429) break;
                assertThat(r.statusCode()).isEqualTo(200);
                used += per;
                admitted++;
            }
            assertThat(used).isLessThanOrEqualTo(1000);
            assertThat(1000 - used).as("refused only when the next reservation did not fit").isLessThan(reservation);
            assertThat(settled("daily", "org:b-alerts", today(), used).tokens()).isEqualTo(used);
            String all = logs.all();
            assertThat(count(all, "budget.threshold", "org:b-alerts", "threshold=0.5")).isEqualTo(1);
            assertThat(admitted).isPositive();
        }
    }

    static long count(String logs, String... needles) {
        return logs.lines().filter(l -> java.util.Arrays.stream(needles).allMatch(l::contains)).count();
    }

    @Test
    void costBudgetsPriceInputAndOutputAndRefuseUnpricedModels() throws Exception {
        String key = gw.createKey("b-cost", "invoke");
        String id = gw.store.apiKeys().list("b-cost").getFirst().id();
        HttpResponse<String> r = chatAt("/priced/v1/chat/completions", key, PROMPT.formatted(""));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode usage = JSON.readTree(r.body()).path("usage");
        long cost = (long) Math.ceil(usage.path("prompt_tokens").asLong() * 2.5 + usage.path("completion_tokens").asLong() * 10);
        Instant month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        assertThat(settled("key-cost", "key:" + id, month, total(r.body())).costMicros()).isEqualTo(cost);

        HttpResponse<String> unpriced = chatAt("/priced/v1/chat/completions", key, "{\"model\":\"mock-gpt-small\",\"messages\":[]}");
        assertThat(unpriced.statusCode()).isEqualTo(403);
        assertThat(unpriced.body()).contains("model_not_priced").doesNotContain("mock-gpt-small");
    }

    @Test
    void aBodyBastionCannotAccountForIsA400() throws Exception {
        String key = gw.createKey("b-bad", "invoke");
        for (String body : new String[] {"not json", "{\"messages\":[]}", "{\"model\":\"gpt-4o\",\"messages\":[],\"max_tokens\":\"lots\"}"}) {
            HttpResponse<String> r = chat(key, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("invalid_llm_request");
        }
    }
}
