package dev.bastion.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.McpApprovalRequest;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.McpStandIn;
import dev.bastion.testing.RedisProcess;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways on one store hold and decide MCP approvals together: a call held on node A is listed and decided through
 * node B's admin API, and A resumes it — approved, denied, decided only once (409 the second time), timed out on A and
 * then undecidable on B. On a SQLite file and on PostgreSQL (A polls its row), and with Redis, where the decision
 * reaches A as a message long before its poll would.
 */
class McpApprovalClusterTest {
    static final String SECRET_ARG = "wire 5000 to account 12-3456";
    static Vertx vertx;
    static McpStandIn server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new McpStandIn(vertx, List.of("pay"), List.of(), List.of(), 10);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String yaml(String store, String redis, String poll) {
        return """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: STORE
                REDIS
                tokens: { master_key: env:MASTER_KEY }
                upstreams:
                  tools: { url: "SERVER" }
                routes:
                  - id: held
                    match: { methods: [POST], path: /mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: bank, upstream: tools }]
                      resource: http://127.0.0.1/mcp
                      authorization_servers: ["https://idp.example.test"]
                      approval: { tools: [pay], timeout: 5m, poll_interval: POLL }
                  - id: hurried
                    match: { methods: [POST], path: /hurried/mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: bank, upstream: tools }]
                      resource: http://127.0.0.1/hurried/mcp
                      authorization_servers: ["https://idp.example.test"]
                      approval: { tools: [pay], timeout: 1s, poll_interval: POLL }
                """.replace("STORE", store).replace("REDIS", redis == null ? "" : "redis: { url: \"" + redis + "\" }")
                .replace("SERVER", server.url()).replace("POLL", poll);
    }

    static Map<String, String> env() throws Exception {
        // one master key for both nodes: they share the signing keys it seals in the store
        return Map.of("MASTER_KEY", dev.bastion.tokens.MasterKey.generateKeysetJson());
    }

    @Test
    void onASqliteFile() throws Exception {
        Path dir = Files.createTempDirectory("approvals-cluster");
        String yaml = yaml("{ url: \"sqlite:" + dir.resolve("shared.db") + "\" }", null, "200ms");
        Map<String, String> env = env();
        try (TestGateway a = TestGateway.start(yaml, 1, env); TestGateway b = TestGateway.start(yaml, 1, env)) {
            decidedOnBResumedOnA(a, b);
        }
    }

    @Test
    void onPostgres() throws Exception {
        Path secret = Files.createTempFile("pg-pass", ".txt");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE bastion LOGIN PASSWORD 'approvals-pass'");
                s.execute("CREATE DATABASE bastion OWNER bastion");
            }
            Files.writeString(secret, "approvals-pass"); // a file reference: the harness opens the store before it knows of any environment
            String yaml = yaml("{ url: \"postgresql://127.0.0.1:" + pg.getPort() + "/bastion\", username: bastion, password: \"file:" + secret + "\" }",
                    null, "200ms");
            Map<String, String> env = env();
            try (TestGateway a = TestGateway.start(yaml, 1, env); TestGateway b = TestGateway.start(yaml, 1, env)) {
                decidedOnBResumedOnA(a, b);
            }
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void withRedisTheDecisionArrivesWithoutWaitingForThePoll() throws Exception {
        Path dir = Files.createTempDirectory("approvals-redis");
        try (RedisProcess redis = RedisProcess.start(false)) {
            // a poll a minute apart: a call resumed within the wait below heard of its decision from Redis
            String yaml = yaml("{ url: \"sqlite:" + dir.resolve("shared.db") + "\" }", redis.url(), "1m");
            Map<String, String> env = env();
            try (TestGateway a = TestGateway.start(yaml, 1, env); TestGateway b = TestGateway.start(yaml, 1, env)) {
                a.store.orgs().ensure("acme");
                String agent = a.createKey("acme", "mcp.use");
                String operator = a.createKey("acme", "admin");
                CompletableFuture<HttpResponse<String>> call = call(a, "/mcp", agent);
                String id = waiting(b, operator).getString("id");
                assertThat(decide(b, operator, id, "approve").statusCode()).isEqualTo(200);
                assertThat(call.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    static void decidedOnBResumedOnA(TestGateway a, TestGateway b) throws Exception {
        a.store.orgs().ensure("acme");
        a.store.orgs().ensure("beta");
        String agent = a.createKey("acme", "mcp.use");
        String operator = a.createKey("acme", "admin");
        String stranger = a.createKey("beta", "admin");

        // approved on B: the call held on A goes on
        int seen = server.seen().size();
        CompletableFuture<HttpResponse<String>> approved = call(a, "/mcp", agent);
        JsonObject item = waiting(b, operator);
        assertThat(item.getJsonObject("arguments").getMap()).containsEntry("text", "string(" + SECRET_ARG.length() + ")");
        assertThat(item.encode()).doesNotContain("12-3456");
        String id = item.getString("id");
        McpApprovalRequest row = a.store.mcpApprovals().find(id).orElseThrow();
        assertThat(row.arguments()).as("stored as a summary").doesNotContain("12-3456");
        assertThat(approved).as("held while nobody decided").isNotDone();
        assertThat(server.seen().size()).isEqualTo(seen);
        assertThat(decide(b, stranger, id, "approve").statusCode()).as("another org's call").isEqualTo(404);
        assertThat(decide(b, operator, id, "approve").statusCode()).isEqualTo(200);
        HttpResponse<String> r = approved.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("pay: " + SECRET_ARG);
        assertThat(decide(b, operator, id, "deny").statusCode()).as("decided once across nodes").isEqualTo(409);
        assertThat(decide(a, operator, id, "deny").statusCode()).isEqualTo(409);
        assertThat(a.store.mcpApprovals().find(id).orElseThrow().state()).isEqualTo("approved");
        Eventually.until("the decision is audited", () -> !audit(a, "mcp.approval.granted").isEmpty());
        assertThat(audit(a, "mcp.approval.granted")).as("audited once, by the node that decided").hasSize(1)
                .allSatisfy(e -> assertThat(e.toString()).contains(id).doesNotContain("12-3456"));

        // denied on B: the call held on A fails, and its server never sees it
        seen = server.seen().size();
        CompletableFuture<HttpResponse<String>> denied = call(a, "/mcp", agent);
        String deniedId = waiting(b, operator).getString("id");
        HttpResponse<String> no = decide(b, operator, deniedId, "deny");
        assertThat(no.statusCode()).isEqualTo(200);
        r = denied.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getJsonObject("data").getString("code")).isEqualTo("mcp_approval_denied");
        assertThat(server.seen().size()).isEqualTo(seen);

        // nobody decides: A times the call out and records it, so B can no longer approve it
        HttpResponse<String> late = call(a, "/hurried/mcp", agent).get(20, TimeUnit.SECONDS);
        assertThat(new JsonObject(late.body()).getJsonObject("error").getJsonObject("data").getString("code")).isEqualTo("mcp_approval_timed_out");
        Eventually.until("the timeout is recorded", () -> audit(a, "mcp.approval.timed_out").size() == 1);
        String timedOut = audit(a, "mcp.approval.timed_out").getFirst().toString();
        String timedOutId = timedOut.replaceAll("(?s).*\"approval\":\"([0-9a-f-]{36})\".*", "$1");
        assertThat(b.store.mcpApprovals().find(timedOutId).orElseThrow().state()).isEqualTo("timed_out");
        HttpResponse<String> tooLate = decide(b, operator, timedOutId, "approve");
        assertThat(tooLate.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(tooLate.body()).getJsonObject("error").getString("code")).isEqualTo("approval_settled");
        assertThat(new JsonObject(admin(b, operator, "GET", null, null).body()).getJsonArray("items")).isEmpty();
    }

    static List<dev.bastion.store.AuditRow> audit(TestGateway g, String type) {
        return g.store.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, type, null, null, null), 10, false, false);
    }

    static CompletableFuture<HttpResponse<String>> call(TestGateway g, String path, String key) {
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "pay").put("arguments", new JsonObject().put("text", SECRET_ARG))).encode();
        HttpRequest req = g.request(path).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "pay").header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(TestGateway g, String key, String method, String id, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(g.adminUri("/admin/v1/mcp/approvals" + (id == null ? "" : "/" + id))).header("Authorization", "Bearer " + key);
        b = body == null ? b.GET() : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> decide(TestGateway g, String key, String id, String decision) throws Exception {
        return admin(g, key, "POST", id, "{\"decision\":\"" + decision + "\"}");
    }

    /** The one waiting call, once node {@code g} lists it. */
    static JsonObject waiting(TestGateway g, String key) throws Exception {
        JsonObject[] found = new JsonObject[1];
        Eventually.until("the call waits for approval", () -> {
            JsonArray items = new JsonObject(admin(g, key, "GET", null, null).body()).getJsonArray("items");
            if (items.size() == 1) found[0] = items.getJsonObject(0);
            return found[0] != null;
        });
        return found[0];
    }
}
