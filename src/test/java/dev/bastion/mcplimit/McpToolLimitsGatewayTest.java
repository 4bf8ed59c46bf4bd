package dev.bastion.mcplimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.McpStandIn;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-tool rate limits and quotas through the real gateway: counted per caller and tool, so a client that reconnects
 * (a new HTTP client, a new connection, each call) gets no fresh allowance, and two gateways sharing Redis count one
 * allowance between them. A refusal is a 429 with Retry-After and a JSON-RPC error, and reaches no server.
 */
class McpToolLimitsGatewayTest {
    static final String ROUTES = """
            listeners:
              public: { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            store: { url: "STORE" }
            redis: { url: "REDIS" }
            identity:
              issuers: [{ name: main, issuer: "IDP", audiences: ["http://127.0.0.1/mcp", "http://127.0.0.1/q/mcp"] }]
            upstreams:
              tools: { url: "SERVER" }
            routes:
              - id: limited
                match: { methods: [POST], path: /mcp }
                auth: { methods: [jwt, api_key] }
                mcp:
                  servers: [{ name: search, upstream: tools }]
                  resource: http://127.0.0.1/mcp
                  authorization_servers: ["IDP"]
                  limits:
                    - { tools: ["look*"], per: user, rate: 3/1m }
              - id: quota
                match: { methods: [POST], path: /q/mcp }
                auth: { methods: [api_key] }
                mcp:
                  servers: [{ name: search, upstream: tools }]
                  resource: http://127.0.0.1/q/mcp
                  authorization_servers: ["IDP"]
                  limits:
                    - { tools: ["*"], per: org, quota: 2/1d, name: daily-calls }
            """;
    static Vertx vertx;
    static FakeIdp idp;
    static McpStandIn server;
    static RedisProcess redis;
    static TestGateway one, two;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        idp = new FakeIdp(vertx);
        server = new McpStandIn(vertx, List.of("lookup", "other"), List.of("doc://one"), List.of("brief"), 10);
        redis = RedisProcess.start(false);
        // One database and one Redis, as two nodes of one deployment have: the same caller is the same user on both.
        String store = "sqlite:" + java.nio.file.Files.createTempDirectory("bastion-mcp-limits").resolve("bastion.db");
        String yaml = ROUTES.replace("STORE", store).replace("SERVER", server.url()).replace("IDP", idp.issuer()).replace("REDIS", redis.url());
        one = TestGateway.start(yaml);
        two = TestGateway.start(yaml);
        one.store.orgs().ensure("acme");
        one.store.orgs().ensure("beta");
    }

    @AfterAll
    static void stop() throws Exception {
        one.close();
        two.close();
        redis.close();
        server.close();
        idp.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String user(String sub) {
        return idp.sign(idp.rsa, idp.claims(sub, "http://127.0.0.1/mcp", "acme").build());
    }

    /** One call on a client of its own: a new connection, as an agent that reconnected. */
    static HttpResponse<String> call(TestGateway gw, String path, String token, String tool) throws Exception {
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 9).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", new JsonObject().put("text", "q"))).encode();
        HttpRequest req = gw.request(path).header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", tool)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(req, HttpResponse.BodyHandlers.ofString());
        }
    }

    static void assertLimited(HttpResponse<String> r, String code) throws Exception {
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("code")).isEqualTo(code);
        assertThat(error.getJsonObject("data").getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aUsersAllowanceForAToolSurvivesReconnectsAndIsSharedByTwoGateways() throws Exception {
        String alice = user("alice-" + UUID.randomUUID()), bob = user("bob-" + UUID.randomUUID());
        assertThat(call(one, "/mcp", alice, "lookup").statusCode()).isEqualTo(200);
        assertThat(call(two, "/mcp", alice, "lookup").statusCode()).as("the other gateway, a new connection").isEqualTo(200);
        assertThat(call(one, "/mcp", alice, "lookup").statusCode()).isEqualTo(200);
        int seen = server.seen().size();
        assertLimited(call(two, "/mcp", alice, "lookup"), "mcp_tool_rate_limited");
        assertLimited(call(one, "/mcp", alice, "lookup"), "mcp_tool_rate_limited");
        assertThat(server.seen().size()).as("refused calls reach no server").isEqualTo(seen);

        // Keyed by caller and tool: another user, and another tool of the same caller, have their own counters.
        assertThat(call(one, "/mcp", bob, "lookup").statusCode()).isEqualTo(200);
        assertThat(call(two, "/mcp", alice, "other").statusCode()).as("'other' is not covered by look*").isEqualTo(200);
    }

    @Test
    void anOrgsQuotaForAToolCountsEveryKeyOfTheOrg() throws Exception {
        String k1 = one.createKey("beta", "mcp.use"), k2 = one.createKey("beta", "mcp.use"), other = one.createKey("acme", "mcp.use");
        assertThat(call(one, "/q/mcp", k1, "lookup").statusCode()).isEqualTo(200);
        assertThat(call(one, "/q/mcp", k2, "lookup").statusCode()).isEqualTo(200);
        HttpResponse<String> over = call(one, "/q/mcp", k1, "lookup");
        assertLimited(over, "mcp_tool_rate_limited");
        assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow())).as("a daily quota: retry much later").isGreaterThan(60);
        assertThat(one.accessLine(over.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"mcp_limited\":[\"daily-calls\"]");
        assertThat(call(one, "/q/mcp", other, "lookup").statusCode()).as("another org's allowance").isEqualTo(200);
        assertThat(call(one, "/q/mcp", k2, "other").statusCode()).as("another tool's: * gives each tool its own counter").isEqualTo(200);
    }
}
