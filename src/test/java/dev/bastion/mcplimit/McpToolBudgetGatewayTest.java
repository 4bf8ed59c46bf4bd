package dev.bastion.mcplimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.McpStandIn;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tool calls as a budget unit through the real gateway: a {@code tool_calls} rule counts every tool call of an org per
 * day on the MCP route, refuses the one over it with 429 budget_exhausted (a JSON-RPC error, until the period renews),
 * leaves lists alone, and records the calls as the org's usage like tokens.
 */
class McpToolBudgetGatewayTest {
    static Vertx vertx;
    static McpStandIn server;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new McpStandIn(vertx, List.of("lookup", "other"), List.of("doc://one"), List.of("brief"), 10);
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                budgets:
                  rules: [{ id: mcp-calls, per: org, period: day, tool_calls: 2 }]
                upstreams:
                  tools: { url: "SERVER" }
                routes:
                  - id: mcp
                    match: { methods: [POST], path: /mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: search, upstream: tools }]
                      resource: http://127.0.0.1/mcp
                      authorization_servers: [http://127.0.0.1/idp]
                """.replace("SERVER", server.url()));
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("beta");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anOrgsToolCallsAreCountedAgainstItsBudgetAndRecordedAsUsage() throws Exception {
        String k1 = gw.createKey("acme", "mcp.use"), k2 = gw.createKey("acme", "mcp.use"), other = gw.createKey("beta", "mcp.use");
        assertThat(McpToolLimitsGatewayTest.call(gw, "/mcp", k1, "lookup").statusCode()).isEqualTo(200);
        assertThat(McpToolLimitsGatewayTest.call(gw, "/mcp", k2, "other").statusCode()).as("any tool, any key of the org").isEqualTo(200);
        int seen = server.seen().size();
        HttpResponse<String> over = McpToolLimitsGatewayTest.call(gw, "/mcp", k1, "lookup");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow())).as("until the day renews").isPositive();
        JsonObject error = new JsonObject(over.body()).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("code")).isEqualTo("budget_exhausted");
        assertThat(error.getString("message")).contains("mcp-calls");
        assertThat(server.seen().size()).as("the refused call reached no server").isEqualTo(seen);
        assertThat(McpToolLimitsGatewayTest.call(gw, "/mcp", other, "lookup").statusCode()).as("another org's budget").isEqualTo(200);

        Eventually.until("the calls reach the org's usage", () -> gw.store.usage().forOrg("acme", Instant.now().minusSeconds(172_800)).stream()
                .anyMatch(u -> u.ruleId().equals("mcp-calls") && u.tokens() == 2));
    }
}
