package dev.bastion.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockFaults;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.store.UsageRepository;
import dev.bastion.testing.StubUpstream;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
 * The Messages front door through real HTTP, with the client's Bastion key as {@code x-api-key} (what
 * Anthropic's SDKs send), in front of an OpenAI-format, an Anthropic-format and a Gemini deployment of the
 * stand-in: plain and streamed answers, tool use round trips, stop reasons, the usage the budget settles,
 * Bastion's own errors in Anthropic's shape, a stream cut mid-answer, and a fallback.
 */
class MessagesGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMPT = "Say hello to the door";
    static final AtomicInteger ORGS = new AtomicInteger();
    static Vertx mockVertx;
    static MockLlmServer mock, flaky;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        mockVertx = Vertx.vertx();
        mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        flaky = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        flaky.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + mock.port();
        gw = TestGateway.start(TestGateway.config("""
                  - id: messages
                    match: { methods: [POST], path: /v1/messages }
                    auth: { methods: [api_key] }
                    llm: messages
                    max_body_bytes: 64KiB
                    failover: { backoff: 20ms, max_backoff: 50ms }
                models:
                  gpt:
                    deployments: [{ upstream: openai, model: mock-gpt-small }]
                  claude:
                    deployments: [{ upstream: anthropic, provider: anthropic, model: claude-mock-haiku }]
                  gemini:
                    deployments: [{ upstream: google, provider: gemini, model: gemini-mock-flash }]
                  flaky:
                    deployments: [{ upstream: flaky, model: mock-gpt-small }]
                    fallbacks: [claude]
                  stub:
                    deployments: [{ upstream: app, model: stub-model }]
                budgets:
                  default_max_tokens: 100
                  rules:
                    - { id: door, per: org, period: day, tokens: 1000000, routes: [messages] }
                """).replace("upstreams:\n", "upstreams:\n"
                + "  openai: { url: \"" + url + "\", kind: ai, api_key: env:PROVIDER_KEY }\n"
                + "  anthropic: { url: \"" + url + "\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-api-key }\n"
                + "  google: { url: \"" + url + "\", kind: ai, api_key: env:PROVIDER_KEY, api_key_header: x-goog-api-key }\n"
                + "  flaky: { url: \"http://127.0.0.1:" + flaky.port() + "\", kind: ai, api_key: env:PROVIDER_KEY, idle_timeout: 1s }\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void clearFaults() {
        flaky.faults().clear();
    }

    record Call(int status, HttpResponse<String> response, String body, String requestId, String line, String org) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    static Call post(String body) throws Exception {
        String org = "door" + ORGS.incrementAndGet();
        return post(gw.createKey(org, "invoke"), org, body);
    }

    static Call post(String key, String org, String body) throws Exception {
        HttpRequest.Builder b = gw.request("/v1/messages").header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "fine-grained-tool-streaming-2025-05-14").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("x-api-key", key);
        HttpResponse<String> r = gw.send(b.build());
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        return new Call(r.statusCode(), r, r.body(), id, gw.accessLine(id), org);
    }

    static String ask(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]" + extra + "}";
    }

    static final String WEATHER_TOOLS = ",\"tools\":[{\"name\":\"get_weather\",\"description\":\"The weather in a city\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";

    /** What the org's budget settled (it reaches the store every second). */
    static long settled(String org, long atLeast) throws Exception {
        Instant day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<UsageRepository.Usage> u;
        do {
            u = gw.store.usage().find("door", "org:" + org, day);
            if (u.isPresent() && u.get().tokens() >= atLeast) return u.get().tokens();
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return u.map(UsageRepository.Usage::tokens).orElse(0L);
    }

    static long total(JsonNode usage) {
        return usage.path("input_tokens").asLong() + usage.path("cache_read_input_tokens").asLong()
                + usage.path("cache_creation_input_tokens").asLong() + usage.path("output_tokens").asLong();
    }

    /** The events of an Anthropic stream as (name, data) pairs; every data's type is its event's name. */
    static List<JsonNode> events(String sse) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.isBlank()) continue;
            String name = null, data = null;
            for (String l : block.split("\n")) {
                if (l.startsWith("event: ")) name = l.substring(7);
                if (l.startsWith("data: ")) data = l.substring(6);
            }
            JsonNode d = JSON.readTree(data);
            assertThat(d.path("type").asText()).as(block).isEqualTo(name);
            out.add(d);
        }
        return out;
    }

    static String text(List<JsonNode> events) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : events) if ("text_delta".equals(e.at("/delta/type").asText())) sb.append(e.at("/delta/text").asText());
        return sb.toString();
    }

    // --- answers from each provider

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini"})
    void aPlainAnswerFromEveryProviderIsAnAnthropicMessage(String model) throws Exception {
        Call c = post(ask(model, ""));
        assertThat(c.status).as(c.body).isEqualTo(200);
        JsonNode m = c.json();
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("role").asText()).isEqualTo("assistant");
        assertThat(m.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(m.at("/content/0/text").asText()).isNotBlank();
        assertThat(m.path("stop_reason").asText()).isIn("end_turn", "max_tokens");
        assertThat(m.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(m.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(c.header("X-Bastion-Model")).isEqualTo(model);
        // The budget settled exactly what the provider reported.
        assertThat(settled(c.org, total(m.path("usage")))).isEqualTo(total(m.path("usage")));
        assertThat(c.line).contains("\"deployment\":").doesNotContain(PROMPT).doesNotContain(TestGateway.PROVIDER_KEY).doesNotContain("bst_");
    }

    /** An Anthropic client's answer is guarded like any other: an image that would leave with the conversation is redacted. */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini"})
    void aRemoteImageInTheAnswerIsRedactedWholeAndStreamed(String model) throws Exception {
        String prompt = "echo: done ![chart](https://collector.example.net/c.png?d=q3) bye";
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]";
        Call whole = post(body + "}");
        assertThat(whole.status).as(whole.body).isEqualTo(200);
        assertThat(whole.json().at("/content/0/text").asText()).isEqualTo("You wrote: done [REMOTE_IMAGE] bye");
        Call streamed = post(body + ",\"stream\":true}");
        assertThat(streamed.status).as(streamed.body).isEqualTo(200);
        assertThat(text(events(streamed.body))).isEqualTo("You wrote: done [REMOTE_IMAGE] bye");
        assertThat(whole.body + streamed.body).doesNotContain("collector");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "claude", "gemini"})
    void aStreamedAnswerFromEveryProviderIsAnthropicsEventSequence(String model) throws Exception {
        Call c = post(ask(model, ",\"stream\":true"));
        assertThat(c.status).as(c.body).isEqualTo(200);
        assertThat(c.header("Content-Type")).startsWith("text/event-stream");
        List<JsonNode> events = events(c.body);
        List<String> types = events.stream().map(e -> e.path("type").asText()).distinct().toList();
        assertThat(types).containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(text(events)).isNotBlank();
        JsonNode delta = events.get(events.size() - 2);
        assertThat(delta.at("/delta/stop_reason").asText()).isIn("end_turn", "max_tokens");
        assertThat(delta.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(delta.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(settled(c.org, total(delta.path("usage")))).isEqualTo(total(delta.path("usage")));
        assertThat(c.line).doesNotContain(PROMPT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void aToolUseRoundTripWithItsResult(String model) throws Exception {
        String key = gw.createKey("tools-" + model, "invoke");
        Call first = post(key, "tools-" + model, "{\"model\":\"" + model + "\",\"max_tokens\":60" + WEATHER_TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]}");
        assertThat(first.status).as(first.body).isEqualTo(200);
        JsonNode m = first.json();
        assertThat(m.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode use = null;
        for (JsonNode b : m.path("content")) if (b.path("type").asText().equals("tool_use")) use = b;
        assertThat(use).as(first.body).isNotNull();
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input")).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(use.path("id").asText()).isNotBlank();
        // The next turn: the conversation with the model's tool_use and the client's tool_result.
        String next = "{\"model\":\"" + model + "\",\"max_tokens\":60" + WEATHER_TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":" + m.path("content") + "},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + use.path("id").asText()
                + "\",\"content\":[{\"type\":\"text\",\"text\":\"18 degrees, cloudy\"}],\"is_error\":false},"
                + "{\"type\":\"text\",\"text\":\"Thanks, now summarise it\"}]}]}";
        Call second = post(key, "tools-" + model, next);
        assertThat(second.status).as(second.body).isEqualTo(200);
        assertThat(second.json().path("stop_reason").asText()).isIn("end_turn", "max_tokens");
        assertThat(second.json().at("/content/0/type").asText()).isEqualTo("text");
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "gemini"})
    void aStreamedToolCallIsAToolUseBlockWithItsInputAsJsonDeltas(String model) throws Exception {
        Call c = post("{\"model\":\"" + model + "\",\"max_tokens\":60,\"stream\":true" + WEATHER_TOOLS
                + ",\"tool_choice\":{\"type\":\"any\"},\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]}");
        assertThat(c.status).as(c.body).isEqualTo(200);
        List<JsonNode> events = events(c.body);
        JsonNode start = events.stream().filter(e -> e.at("/content_block/type").asText().equals("tool_use")).findFirst().orElseThrow();
        assertThat(start.at("/content_block/name").asText()).isEqualTo("get_weather");
        int index = start.path("index").asInt();
        StringBuilder json = new StringBuilder();
        for (JsonNode e : events) {
            if (e.path("index").asInt(-1) == index && "input_json_delta".equals(e.at("/delta/type").asText())) json.append(e.at("/delta/partial_json").asText());
        }
        assertThat(JSON.readTree(json.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(events.stream().filter(e -> e.path("type").asText().equals("message_delta")).findFirst().orElseThrow()
                .at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(events.getLast().path("type").asText()).isEqualTo("message_stop");
    }

    @Test
    void aMaxTokensStopIsReportedAsSuch() throws Exception {
        Call c = post("{\"model\":\"claude\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story\"}]}");
        assertThat(c.status).as(c.body).isEqualTo(200);
        assertThat(c.json().path("stop_reason").asText()).isEqualTo("max_tokens");
    }

    // --- Bastion's own errors, in Anthropic's shape

    static JsonNode anthropicError(Call c, int status, String type, String code) throws Exception {
        assertThat(c.status).as(c.body).isEqualTo(status);
        assertThat(c.header("Content-Type")).startsWith("application/json");
        JsonNode e = c.json();
        assertThat(e.path("type").asText()).isEqualTo("error");
        assertThat(e.at("/error/type").asText()).isEqualTo(type);
        assertThat(e.at("/error/details/error_code").asText()).isEqualTo(code);
        assertThat(e.at("/error/message").asText()).isNotBlank();
        assertThat(e.path("request_id").asText()).isEqualTo(c.requestId);
        return e;
    }

    @Test
    void aBadKeyIsAnAuthenticationError() throws Exception {
        anthropicError(post("bst_not-a-real-key", "nobody", ask("claude", "")), 401, "authentication_error", "api_key_invalid");
        Call none = post(null, "nobody", ask("claude", ""));
        assertThat(none.status).isEqualTo(401);
        assertThat(none.json().at("/error/type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void anUnknownModelIsAnInvalidRequestNamingNoDeployment() throws Exception {
        JsonNode e = anthropicError(post(ask("claude-9-opus", "")), 400, "invalid_request_error", "model_not_found");
        assertThat(e.toString()).doesNotContain("mock-gpt").doesNotContain("claude-mock");
    }

    @Test
    void anOversizedBodyIsRequestTooLarge() throws Exception {
        String big = "x".repeat(70 * 1024);
        anthropicError(post(ask("claude", "").replace(PROMPT, big)), 413, "request_too_large", "body_too_large");
    }

    @Test
    void anImageUrlAModelServerMustNotFetchIsRefusedInAnthropicsShape() throws Exception {
        String body = "{\"model\":\"claude\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
                + "\"source\":{\"type\":\"url\",\"url\":\"http://169.254.169.254/latest/meta-data/\"}},{\"type\":\"text\",\"text\":\"what is this\"}]}]}";
        JsonNode e = anthropicError(post(body), 400, "invalid_request_error", "media_url_refused");
        assertThat(e.at("/error/message").asText()).contains("metadata").doesNotContain("169.254");
    }

    @Test
    void aKeyRepeatedInOneObjectIsAnInvalidRequest() throws Exception {
        // Bastion reads one copy of max_tokens, a parser that keeps the other would spend another budget.
        JsonNode e = anthropicError(post(ask("claude", ",\"max_tokens\":100000")), 400, "invalid_request_error", "invalid_llm_request");
        assertThat(e.at("/error/message").asText()).contains("repeats a key").doesNotContain("max_tokens");
    }

    @Test
    void aFeatureTheChatFormatCannotCarryIsRefusedByName() throws Exception {
        JsonNode e = anthropicError(post(ask("claude", ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}")), 400,
                "invalid_request_error", "unsupported_by_front_door");
        assertThat(e.at("/error/message").asText()).contains("'thinking'");
    }

    @Test
    void aProvidersOwnErrorComesBackInAnthropicsShape() throws Exception {
        // The Anthropic stand-in refuses a temperature above 1 … but the door refuses it first, with the field's name.
        anthropicError(post(ask("claude", ",\"temperature\":1.5")), 400, "invalid_request_error", "invalid_llm_request");
        // A provider's 400 (the OpenAI stand-in's context-length error) keeps its message and code.
        flaky.faults().add(new MockFaults.Fault(MockFaults.Kind.CONTEXT_LENGTH, 0, null, 1));
        Call c = post(ask("flaky", ""));
        JsonNode e = anthropicError(c, 400, "invalid_request_error", "context_length_exceeded");
        assertThat(e.at("/error/message").asText()).contains("maximum context length");
    }

    // --- streams that fail, and failover

    @Test
    void aStreamCutMidAnswerEndsWithAnErrorEventNeverMessageStop() throws Exception {
        // After 15 words: more than the guardrails' hold-back window, so words reached the client before the cut.
        flaky.faults().add(new MockFaults.Fault(MockFaults.Kind.CUT_AFTER, 15, null, 1));
        Call c;
        String key = gw.createKey("cut", "invoke");
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            c = post(key, "cut", ask("flaky", ",\"stream\":true"));
            // The failure is logged (the relay's warning), without the prompt, the answer or any key.
            assertThat(logs.all()).contains(c.requestId).doesNotContain(PROMPT).doesNotContain("Hello from")
                    .doesNotContain(key).doesNotContain(TestGateway.PROVIDER_KEY);
        }
        assertThat(c.status).isEqualTo(200);
        List<JsonNode> events = events(c.body);
        assertThat(events.getFirst().path("type").asText()).isEqualTo("message_start");
        assertThat(text(events)).isNotBlank();
        JsonNode last = events.getLast();
        assertThat(last.path("type").asText()).isEqualTo("error");
        assertThat(last.at("/error/type").asText()).isEqualTo("api_error");
        assertThat(last.path("request_id").asText()).isEqualTo(c.requestId);
        assertThat(c.body).doesNotContain("message_stop").doesNotContain("message_delta").doesNotContain("data: [DONE]");
        assertThat(c.line).contains("\"error\":\"upstream_stream_error\"");
    }

    @Test
    void aStreamStalledMidAnswerEndsWithATimeoutErrorEvent() throws Exception {
        flaky.faults().add(new MockFaults.Fault(MockFaults.Kind.STALL_AFTER, 15, null, 1));
        Call c = post(ask("flaky", ",\"stream\":true"));
        List<JsonNode> events = events(c.body);
        JsonNode last = events.getLast();
        assertThat(last.path("type").asText()).isEqualTo("error");
        assertThat(last.at("/error/type").asText()).isEqualTo("timeout_error");
        assertThat(last.at("/error/details/error_code").asText()).isEqualTo("upstream_stream_timeout");
        assertThat(c.body).doesNotContain("message_stop");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFallbackOnA503AnswersThroughTheDoorNamingTheModelThatAnswered(boolean stream) throws Exception {
        flaky.faults().add(new MockFaults.Fault(MockFaults.Kind.STATUS, 503, null, 10));
        Call c = post(ask("flaky", stream ? ",\"stream\":true" : ""));
        assertThat(c.status).as(c.body).isEqualTo(200);
        assertThat(c.header("X-Bastion-Model")).isEqualTo("claude");
        JsonNode message = stream ? events(c.body).getFirst().path("message") : c.json();
        assertThat(message.path("model").asText()).isEqualTo("claude-mock-haiku");
        assertThat(c.line).contains("\"failover\":");
    }

    // --- what reaches the provider

    @Test
    void theClientsKeyAndAnthropicHeadersNeverReachTheProvider() throws Exception {
        gw.upstream.behave(req -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("id", "chatcmpl-stub").put("object", "chat.completion").put("model", "stub-model")
                .put("choices", new io.vertx.core.json.JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", "ok")).put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 9).put("completion_tokens", 1).put("total_tokens", 10)).encode()));
        String key = gw.createKey("stub", "invoke");
        Call c = post(key, "stub", ask("stub", ""));
        assertThat(c.status).as(c.body).isEqualTo(200);
        assertThat(c.json().at("/content/0/text").asText()).isEqualTo("ok");
        StubUpstream.Seen seen = gw.upstream.last();
        assertThat(seen.uri()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        assertThat(seen.headers().contains("x-api-key")).isFalse();
        assertThat(seen.headers().contains("anthropic-version")).isFalse();
        assertThat(seen.headers().contains("anthropic-beta")).isFalse();
        assertThat(seen.headers().toString()).doesNotContain(key);
        // The provider got the normalised chat request.
        JsonNode sent = JSON.readTree(seen.body().getBytes());
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo(PROMPT);
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(40);
        assertThat(c.line).doesNotContain(key);
    }

    // --- the official SDK

    @Test
    void theOfficialAnthropicSdkSpeaksToTheDoor() throws Exception {
        flaky.faults().add(new MockFaults.Fault(MockFaults.Kind.CUT_AFTER, 15, null, 1)); // for the "cut" case, the only one on flaky
        String key = gw.createKey("sdk", "invoke");
        java.util.Map<String, JsonNode> cases = new java.util.HashMap<>();
        for (String line : dev.bastion.testing.NodeSdk.node("messages.mjs", gw.uri("").toString(), key)) {
            JsonNode c = JSON.readTree(line);
            assertThat(line).doesNotContain(key).doesNotContain(TestGateway.PROVIDER_KEY);
            cases.put(c.path("case").asText(), c);
        }
        assertThat(cases).containsOnlyKeys("plain", "stream", "tool", "streamed-tool", "bad-key", "unknown-model", "cut");

        JsonNode plain = cases.get("plain");
        assertThat(plain.path("ok").asBoolean()).as(plain.toString()).isTrue();
        assertThat(plain.path("text").asText()).startsWith("Hello from Bastion's mock model.");
        assertThat(plain.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(plain.path("model").asText()).isEqualTo("claude-mock-haiku");
        assertThat(plain.at("/usage/input_tokens").asLong()).isPositive();

        JsonNode stream = cases.get("stream");
        assertThat(stream.path("ok").asBoolean()).as(stream.toString()).isTrue();
        assertThat(stream.path("text").asText()).startsWith("Hello from Bastion's mock model.").isEqualTo(stream.path("finalText").asText());
        assertThat(stream.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(stream.at("/usage/input_tokens").asLong()).as("message_delta's usage reached the final message").isPositive();
        assertThat(stream.at("/usage/output_tokens").asLong()).isPositive();

        JsonNode tool = cases.get("tool");
        assertThat(tool.path("ok").asBoolean()).as(tool.toString()).isTrue();
        assertThat(tool.path("first_stop").asText()).isEqualTo("tool_use");
        assertThat(tool.path("name").asText()).isEqualTo("get_weather");
        assertThat(tool.path("input")).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(tool.path("second_stop").asText()).isEqualTo("end_turn");

        JsonNode streamedTool = cases.get("streamed-tool");
        assertThat(streamedTool.path("ok").asBoolean()).as(streamedTool.toString()).isTrue();
        assertThat(streamedTool.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(streamedTool.path("input")).as("the SDK assembled the input_json_delta fragments").isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));

        JsonNode badKey = cases.get("bad-key");
        assertThat(badKey.path("type").asText()).as(badKey.toString()).isEqualTo("AuthenticationError");
        assertThat(badKey.path("status").asInt()).isEqualTo(401);
        assertThat(badKey.path("errorCode").asText()).isEqualTo("api_key_invalid");
        assertThat(badKey.path("requestId").asText()).isNotBlank();

        JsonNode unknown = cases.get("unknown-model");
        assertThat(unknown.path("type").asText()).as(unknown.toString()).isEqualTo("BadRequestError");
        assertThat(unknown.path("errorType").asText()).isEqualTo("invalid_request_error");
        assertThat(unknown.path("errorCode").asText()).isEqualTo("model_not_found");

        JsonNode cut = cases.get("cut");
        assertThat(cut.path("ok").asBoolean()).as("a cut stream must never resolve as a complete message: " + cut).isFalse();
        assertThat(cut.path("type").asText()).isEqualTo("APIError");
        assertThat(cut.path("errorCode").asText()).isEqualTo("upstream_stream_error");
        assertThat(cut.path("text").asText()).as("words had reached the client before the cut").startsWith("Hello from");
    }
}
