package dev.bastion.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A budget holds only if the model cannot write more than was reserved. Two ways around that, each tried
 * through a real gateway against an upstream that records what it received: a request that names no
 * completion limit (reserved {@code default_max_tokens}, but the model would run to its own limit), and one
 * that names both limit fields with different values (providers disagree on which one wins).
 */
class BudgetCapGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: "off"
                  - id: capped
                    match: { methods: [POST], path: /capped/v1/chat/completions }
                    strip_prefix: /capped
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: capped
                  - id: completions
                    match: { methods: [POST], path: /v1/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: completions
                    guard: "off"
                  - id: unbudgeted
                    match: { methods: [POST], path: /free/v1/chat/completions }
                    strip_prefix: /free
                    upstream: app
                    auth: { methods: [api_key] }
                    llm: chat
                    guard: "off"
                budgets:
                  default_max_tokens: 300
                  rules:
                    - { id: daily, per: api_key, period: day, tokens: 1000, routes: [chat, capped, completions] }
                guard:
                  policies:
                    capped: { max_tokens: 4000 }
                """));
        gw.upstream.behave(BudgetCapGatewayTest::completion);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
    }

    /** A chat completion with a small usage block, whatever was asked. */
    static void completion(HttpServerRequest req) {
        req.response().putHeader("Content-Type", "application/json").end("""
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},\
                "finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}""");
    }

    static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return gw.send(gw.request(path).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static JsonNode received() throws Exception {
        return JSON.readTree(gw.upstream.last().body().toString());
    }

    @Test
    void aChatRequestWithoutALimitIsSentWithTheReservedOne() throws Exception {
        String key = gw.createKey("cap-chat", "invoke");
        HttpResponse<String> r = post("/v1/chat/completions", key, "{\"model\":\"gpt-4o\",\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode sent = received();
        assertThat(sent.path("max_completion_tokens").asInt()).as("what was reserved is what the model may write").isEqualTo(300);
        assertThat(sent.has("max_tokens")).isFalse();
        assertThat(sent.path("temperature").asDouble()).as("the rest as the client sent it").isEqualTo(0.5);
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("hi");
    }

    @Test
    void aCompletionsRequestWithoutALimitGetsMaxTokens() throws Exception {
        String key = gw.createKey("cap-completions", "invoke");
        assertThat(post("/v1/completions", key, "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Say hi\"}").statusCode()).isEqualTo(200);
        assertThat(received().path("max_tokens").asInt()).isEqualTo(300);
        assertThat(received().has("max_completion_tokens")).isFalse();
    }

    @Test
    void aLimitTheClientNamedIsLeftAsItIs() throws Exception {
        String key = gw.createKey("cap-named", "invoke");
        String body = "{\"model\":\"gpt-4o\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(post("/v1/chat/completions", key, body).statusCode()).isEqualTo(200);
        assertThat(TestGateway.withoutEndUserId(gw.upstream.last().body().toString())).as("the bytes received, unchanged but for the end-user id").isEqualTo(body);
    }

    @Test
    void aRouteWithoutABudgetSendsTheBodyUnchanged() throws Exception {
        String key = gw.createKey("cap-free", "invoke");
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(post("/free/v1/chat/completions", key, body).statusCode()).isEqualTo(200);
        assertThat(TestGateway.withoutEndUserId(gw.upstream.last().body().toString())).isEqualTo(body);
    }

    @Test
    void aGuardCapLargerThanTheReservationIsLoweredToIt() throws Exception {
        // The guard gives a request without a limit its policy's cap (4000) after the budget reserved 300.
        String key = gw.createKey("cap-guard", "invoke");
        assertThat(post("/capped/v1/chat/completions", key, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                .isEqualTo(200);
        assertThat(received().path("max_completion_tokens").asInt()).isEqualTo(300);
    }

    /** The attack: images are counted at the low-detail price, and a high-detail one bills up to 17 times that. */
    @Test
    void imagesTheProviderMayReadInHighDetailAreReservedAtTheirWorstCase() throws Exception {
        String key = gw.createKey("cap-images", "invoke");
        String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"%s}}";
        String body = "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"compare\"},"
                + image + "," + image + "]}]}";
        int calls = gw.upstream.seen().size();
        HttpResponse<String> r = post("/v1/chat/completions", key, body.formatted("", ",\"detail\":\"high\""));
        assertThat(r.statusCode()).as("two images at 1,445 each do not fit 1,000 tokens").isEqualTo(429);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(prompt (\\d+) \\+ completion 10\\)")
                .matcher(JSON.readTree(r.body()).path("error").path("message").asText());
        assertThat(m.find()).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("each image at image_tokens").isGreaterThan(2 * 1445);
        assertThat(gw.upstream.seen()).hasSize(calls);
        assertThat(post("/v1/chat/completions", key, body.formatted(",\"detail\":\"low\"", ",\"detail\":\"low\"")).statusCode())
                .as("low-detail images cost what they are counted at").isEqualTo(200);
    }

    @Test
    void twoLimitFieldsReserveTheLargerSoNeitherReadingOverspends() throws Exception {
        // The attack: reserve one token by one field, ask a server that reads the other for 5,000.
        String key = gw.createKey("cap-both", "invoke");
        int calls = gw.upstream.seen().size();
        for (String body : new String[] {
                "{\"model\":\"gpt-4o\",\"max_completion_tokens\":1,\"max_tokens\":5000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"gpt-4o\",\"max_tokens\":1,\"max_completion_tokens\":5000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"}) {
            HttpResponse<String> r = post("/v1/chat/completions", key, body);
            assertThat(r.statusCode()).as(body).isEqualTo(429);
            JsonNode err = JSON.readTree(r.body()).path("error");
            assertThat(err.path("code").asText()).isEqualTo("budget_exhausted");
            assertThat(err.path("message").asText()).contains("completion 5000");
        }
        assertThat(gw.upstream.seen()).as("nothing reached the model").hasSize(calls);
        assertThat(post("/v1/chat/completions", key, "{\"model\":\"gpt-4o\",\"max_completion_tokens\":5,\"max_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).as("two small limits still pass").isEqualTo(200);
    }
}
