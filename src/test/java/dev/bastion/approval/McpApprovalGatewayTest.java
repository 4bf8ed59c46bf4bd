package dev.bastion.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.McpStandIn;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Human approval of MCP tool calls through the real gateway: a call of a listed tool is held until an operator approves
 * it (then the server gets it), denies it, or its timeout passes (then the agent gets a JSON-RPC error and the server
 * nothing) — decided through the admin API and through {@code bastion mcp approvals}. The operator sees argument names,
 * types and sizes, never values; every request and decision is audited with who asked and who decided.
 */
class McpApprovalGatewayTest {
    static final String PRIVATE = "wire 5000 to account 12-3456";
    static Vertx vertx;
    static FakeIdp idp;
    static McpStandIn server;
    static TestGateway gw;
    static String agentKey, adminKey, otherAdminKey;
    static Path adminKeyFile;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        idp = new FakeIdp(vertx);
        server = new McpStandIn(vertx, List.of("pay", "lookup"), List.of("doc://one"), List.of("brief"), 10);
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                upstreams:
                  tools: { url: "SERVER" }
                routes:
                  - id: held
                    match: { methods: [POST], path: /mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: bank, upstream: tools }]
                      resource: http://127.0.0.1/mcp
                      authorization_servers: ["IDP"]
                      approval: { tools: ["pa*"], timeout: 1m }
                  - id: hurried
                    match: { methods: [POST], path: /hurried/mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: bank, upstream: tools }]
                      resource: http://127.0.0.1/hurried/mcp
                      authorization_servers: ["IDP"]
                      approval: { tools: [pay], timeout: 1s }
                  - id: narrow
                    match: { methods: [POST], path: /narrow/mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: bank, upstream: tools }]
                      resource: http://127.0.0.1/narrow/mcp
                      authorization_servers: ["IDP"]
                      approval: { tools: [lookup], timeout: 1m, pending: 1 }
                """.replace("SERVER", server.url()).replace("IDP", idp.issuer()));
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("beta");
        agentKey = gw.createKey("acme", "mcp.use");
        adminKey = gw.createKey("acme", "admin");
        otherAdminKey = gw.createKey("beta", "admin");
        adminKeyFile = Files.createTempFile("admin-key", ".txt");
        Files.writeString(adminKeyFile, adminKey + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        server.close();
        idp.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(adminKeyFile);
    }

    static CompletableFuture<HttpResponse<String>> callAsync(String path, String tool) {
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 5).put("method", "tools/call")
                .put("params", new JsonObject().put("name", tool).put("arguments", new JsonObject().put("text", PRIVATE).put("amount", 5000))).encode();
        HttpRequest req = gw.request(path).timeout(java.time.Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                .header("Mcp-Name", tool).header("Authorization", "Bearer " + agentKey).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> admin(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).header("Authorization", "Bearer " + key);
        b = body == null ? b.GET() : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The one waiting call of {@code tool}, once it appears in the list. */
    static JsonObject waiting(String tool) throws Exception {
        JsonObject[] found = new JsonObject[1];
        Eventually.until("the call waits for approval", () -> {
            JsonArray items = new JsonObject(admin(adminKey, "GET", "/admin/v1/mcp/approvals", null).body()).getJsonArray("items");
            for (int i = 0; i < items.size(); i++) if (items.getJsonObject(i).getString("tool").equals(tool)) found[0] = items.getJsonObject(i);
            return found[0] != null;
        });
        return found[0];
    }

    static List<AuditRow> audit(String type) {
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 1000, false, false);
    }

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-url", gw.adminUri("/").toString(), "--key-file", adminKeyFile.toString()));
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void anApprovedCallGoesOnAndTheOperatorSawOnlyTheArgumentsShape() throws Exception {
        int seen = server.seen().size();
        CompletableFuture<HttpResponse<String>> pending = callAsync("/mcp", "pay");
        JsonObject item = waiting("pay");
        assertThat(item.getJsonObject("arguments").getMap()).containsExactly(java.util.Map.entry("text", "string(" + PRIVATE.length() + ")"),
                java.util.Map.entry("amount", "number"));
        assertThat(item.encode()).doesNotContain("5000", "12-3456");
        assertThat(pending).as("held while nobody decided").isNotDone();
        assertThat(server.seen().size()).as("the server has not seen it").isEqualTo(seen);

        // Another org's admin neither sees nor decides it.
        assertThat(new JsonObject(admin(otherAdminKey, "GET", "/admin/v1/mcp/approvals", null).body()).getJsonArray("items")).isEmpty();
        HttpResponse<String> foreign = admin(otherAdminKey, "POST", "/admin/v1/mcp/approvals/" + item.getString("id"), "{\"decision\":\"approve\"}");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(foreign.body()).getJsonObject("error").getString("code")).isEqualTo("approval_not_found");

        // Naming the org does not help an org admin (404, recorded); an operator sees and decides any org's call by naming it.
        assertThat(admin(otherAdminKey, "GET", "/admin/v1/mcp/approvals?org=acme", null).statusCode()).isEqualTo(404);
        String operator = gw.createKey("platform", "operator");
        assertThat(new JsonObject(admin(operator, "GET", "/admin/v1/mcp/approvals", null).body()).getJsonArray("items")).as("the operator's own org").isEmpty();
        assertThat(new JsonObject(admin(operator, "GET", "/admin/v1/mcp/approvals?org=acme", null).body()).getJsonArray("items").encode())
                .contains(item.getString("id"));
        HttpResponse<String> decided = admin(operator, "POST", "/admin/v1/mcp/approvals/" + item.getString("id") + "?org=acme", "{\"decision\":\"approve\"}");
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("pay: " + PRIVATE);
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"mcp_approval\":\"approved\"");
        assertThat(admin(adminKey, "POST", "/admin/v1/mcp/approvals/" + item.getString("id"), "{\"decision\":\"deny\"}").statusCode())
                .as("decided once").isEqualTo(409);

        String id = item.getString("id");
        Eventually.until("the request and the decision are audited", () -> audit("mcp.approval.granted").stream().anyMatch(e -> e.toString().contains(id))
                && audit("mcp.approval.requested").stream().anyMatch(e -> e.toString().contains(id)));
        AuditRow granted = audit("mcp.approval.granted").stream().filter(e -> e.toString().contains(id)).findFirst().orElseThrow();
        assertThat(granted.toString()).contains("decided_by").contains("pay");
        assertThat(audit("mcp.approval.requested").toString() + granted).doesNotContain("12-3456", "5000 to");
    }

    @Test
    void aCallDeniedThroughTheCliFailsWithAJsonRpcErrorAndReachesNoServer() throws Exception {
        int seen = server.seen().size();
        CompletableFuture<HttpResponse<String>> pending = callAsync("/mcp", "pay");
        String id = waiting("pay").getString("id");
        Run list = cli("mcp", "approvals", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains(id).contains("pay").doesNotContain("12-3456");
        Run deny = cli("mcp", "approvals", "deny", id);
        assertThat(deny.exit()).as(deny.err()).isZero();
        assertThat(deny.out()).contains("Denied pay call " + id);

        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(403);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getJsonObject("data").getString("code")).isEqualTo("mcp_approval_denied");
        assertThat(server.seen().size()).isEqualTo(seen);
        assertThat(cli("mcp", "approvals", "approve", id).exit()).as("no longer waiting").isNotZero();
        Eventually.until("the denial is audited", () -> audit("mcp.approval.denied").stream().anyMatch(e -> e.toString().contains(id)));
    }

    @Test
    void aCallApprovedThroughTheCliGoesOn() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = callAsync("/mcp", "pay");
        String id = waiting("pay").getString("id");
        assertThat(cli("mcp", "approvals", "approve", id).exit()).isZero();
        assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aCallNobodyDecidesTimesOutAndToolsNotListedAreNotHeld() throws Exception {
        int seen = server.seen().size();
        HttpResponse<String> r = callAsync("/hurried/mcp", "pay").get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(r.body()).getJsonObject("error").getJsonObject("data").getString("code")).isEqualTo("mcp_approval_timed_out");
        assertThat(server.seen().size()).isEqualTo(seen);
        String rid = r.headers().firstValue("X-Request-Id").orElseThrow();
        Eventually.until("the timeout is audited", () -> audit("mcp.approval.timed_out").stream().anyMatch(e -> e.toString().contains("hurried")));
        assertThat(gw.accessLine(rid)).contains("\"mcp_approval\":\"timed_out\"");

        assertThat(callAsync("/mcp", "lookup").get(10, TimeUnit.SECONDS).statusCode()).as("lookup is not listed").isEqualTo(200);
    }

    @Test
    void aClientThatLeavesWithdrawsItsCallAndNoOperatorCanSendItLater() throws Exception {
        int seen = server.seen().size();
        String body = new JsonObject().put("jsonrpc", "2.0").put("id", 6).put("method", "tools/call")
                .put("params", new JsonObject().put("name", "pay").put("arguments", new JsonObject().put("text", PRIVATE))).encode();
        String id;
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), gw.uri("/").getPort())) {
            socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: pay\r\n"
                    + "Authorization: Bearer " + agentKey + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            id = waiting("pay").getString("id");
        } // the agent gives up: its connection closes while the call waits
        Eventually.until("the call is withdrawn", () -> audit("mcp.approval.withdrawn").stream().anyMatch(e -> e.toString().contains(id)));
        assertThat(new JsonObject(admin(adminKey, "GET", "/admin/v1/mcp/approvals", null).body()).getJsonArray("items").encode()).doesNotContain(id);
        assertThat(admin(adminKey, "POST", "/admin/v1/mcp/approvals/" + id, "{\"decision\":\"approve\"}").statusCode()).as("withdrawn: no longer waiting").isEqualTo(409);
        assertThat(server.seen().size()).as("nobody's call never reached the server").isEqualTo(seen);
    }

    @Test
    void pastTheRoutesPendingCapACallIsRefusedAtOnceRatherThanQueued() throws Exception {
        CompletableFuture<HttpResponse<String>> first = callAsync("/narrow/mcp", "lookup");
        String id = waiting("lookup").getString("id");
        HttpResponse<String> second = callAsync("/narrow/mcp", "lookup").get(10, TimeUnit.SECONDS);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).isPresent();
        assertThat(new JsonObject(second.body()).getJsonObject("error").getJsonObject("data").getString("code")).isEqualTo("mcp_approval_queue_full");
        assertThat(admin(adminKey, "POST", "/admin/v1/mcp/approvals/" + id, "{\"decision\":\"deny\"}").statusCode()).isEqualTo(200);
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
    }

    @Test
    void aBadDecisionIsTheOneErrorShape() throws Exception {
        HttpResponse<String> r = admin(adminKey, "POST", "/admin/v1/mcp/approvals/nope", "{\"decision\":\"maybe\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("request_invalid");
        assertThat(e.getString("request_id")).isNotBlank();
        assertThat(admin(gw.createKey("acme", "mcp.use"), "GET", "/admin/v1/mcp/approvals", null).statusCode()).as("admin scope needed").isEqualTo(403);
    }
}
