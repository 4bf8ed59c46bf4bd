package dev.bastion.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.McpStandIn;
import dev.bastion.testing.TestGateway;
import dev.bastion.tokens.ClientService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-tool, per-resource and per-prompt authorization (mcp.access) through the real gateway over loopback, in front of
 * two stand-in MCP servers: for a matrix of callers — API keys, an identity-provider JWT with a role, a Bastion token,
 * another org — every tool a list shows is callable and every tool it hides is refused (the one decision both ask),
 * default deny for what no rule names, a missing scope is the one challenge naming every scope, and a denied read
 * never reaches a server.
 */
class McpToolAccessGatewayTest {
    static final String RES = "https://mcp.example.test/t/mcp";
    static final List<String> TOOLS = List.of("search__lookup", "search__delete", "search__report", "files__read", "files__write", "files__stat");
    static Vertx vertx;
    static FakeIdp idp;
    static McpStandIn search, files;
    static TestGateway gw;
    /** Caller name → its credential. */
    static final Map<String, String> callers = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        idp = new FakeIdp(vertx);
        search = new McpStandIn(vertx, List.of("lookup", "delete", "report"), List.of("doc://public/one", "doc://secret/two"), List.of("brief"), 10);
        files = new McpStandIn(vertx, List.of("read", "write", "stat"), List.of("file://x"), List.of("brief"), 10);
        String yaml = """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - name: main
                      issuer: "IDP"
                      audiences: [RES]
                tokens:
                  issuer: https://bastion.test
                  audiences: [bastion, RES]
                upstreams:
                  search: { url: "SEARCH" }
                  files: { url: "FILES" }
                routes:
                  - id: tools
                    match: { methods: [POST], path: /t/mcp }
                    auth: { methods: [jwt, api_key, bastion_token] }
                    require: { scopes_all: [mcp.use] }
                    mcp:
                      servers: [{ name: search, upstream: search }, { name: files, upstream: files }]
                      resource: RES
                      authorization_servers: ["IDP"]
                      pinning: { mode: "off" }
                      access:
                        default: deny
                        tools:
                          - { match: search__delete, decision: deny }
                          - { match: "search__*", require: { scopes_all: [mcp.search] } }
                          - { match: files__read, require: { scopes_any: [files.read, files.admin] } }
                          - { match: files__write, require: { roles: [admin] } }
                        resources:
                          - { match: "doc://public/*", require: { scopes_all: [mcp.use] } }
                        prompts:
                          - { match: search__brief, require: { orgs: [acme] } }
                """.replace("RES", RES).replace("SEARCH", search.url()).replace("FILES", files.url()).replace("IDP", idp.issuer());
        gw = TestGateway.start(yaml);
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
        callers.put("key:use", gw.createKey("acme", "mcp.use"));
        callers.put("key:search", gw.createKey("acme", "mcp.use", "mcp.search"));
        callers.put("key:files", gw.createKey("acme", "mcp.use", "files.read"));
        callers.put("key:globex-search", gw.createKey("globex", "mcp.use", "mcp.search"));
        callers.put("jwt:admin-search", idp.sign(idp.rsa, idp.claims("user-" + UUID.randomUUID(), RES, "acme").claim("scope", "mcp.use mcp.search")
                .claim("role", "admin").build()));
        callers.put("jwt:reader", idp.sign(idp.rsa, idp.claims("user-" + UUID.randomUUID(), RES, "acme").claim("scope", "mcp.use files.admin")
                .claim("role", "reader").build()));
        callers.put("bastion:files-admin", bastionToken("mcp.use", "files.admin"));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        search.close();
        files.close();
        idp.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String bastionToken(String... scopes) throws Exception {
        ClientService.CreatedClient c = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of(scopes), null, null);
        HttpResponse<String> t = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((c.client().id() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&audience=" + RES)).build());
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        return new JsonObject(t.body()).getString("access_token");
    }

    static HttpResponse<String> send(String token, String method, String name, JsonObject params) throws Exception {
        JsonObject o = new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", method);
        if (params != null) o.put("params", params);
        HttpRequest.Builder b = gw.request("/t/mcp").header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(o.encode()));
        if (name != null) b.header("Mcp-Name", name);
        return gw.send(b.build());
    }

    static Set<String> listed(String token, String method, String key, String field) throws Exception {
        HttpResponse<String> r = send(token, method, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray items = new JsonObject(r.body()).getJsonObject("result").getJsonArray(key);
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < items.size(); i++) out.add(items.getJsonObject(i).getString(field));
        return out;
    }

    static HttpResponse<String> call(String token, String tool) throws Exception {
        return send(token, "tools/call", tool, new JsonObject().put("name", tool).put("arguments", new JsonObject().put("text", "hi")));
    }

    static boolean answered(HttpResponse<String> r) {
        return r.statusCode() == 200 && new JsonObject(r.body()).getJsonObject("result") != null;
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getJsonObject("data").getString("code");
    }

    @Test
    void forEveryCallerAToolIsListedExactlyWhenItIsCallable() throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "key:use", Set.of(),
                "key:search", Set.of("search__lookup", "search__report"),
                "key:files", Set.of("files__read"),
                "key:globex-search", Set.of("search__lookup", "search__report"),
                "jwt:admin-search", Set.of("search__lookup", "search__report", "files__write"),
                "jwt:reader", Set.of("files__read"),
                "bastion:files-admin", Set.of("files__read"));
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, String> caller : callers.entrySet()) {
            Set<String> listed = listed(caller.getValue(), "tools/list", "tools", "name");
            assertThat(listed).as(caller.getKey() + " lists").isEqualTo(expected.get(caller.getKey()));
            for (String tool : TOOLS) {
                HttpResponse<String> r = call(caller.getValue(), tool);
                if (answered(r) != listed.contains(tool)) mismatches.add(caller.getKey() + " " + tool + ": listed=" + listed.contains(tool) + " answered " + r.statusCode());
                if (!listed.contains(tool)) {
                    assertThat(r.statusCode()).as(caller.getKey() + " " + tool).isEqualTo(403);
                    assertThat(code(r)).isIn("mcp_access_denied", "insufficient_scope");
                }
            }
        }
        assertThat(mismatches).as("listed ⇔ callable").isEmpty();
    }

    @Test
    void aToolNoRuleNamesIsDeniedByDefaultAndNeverReachesItsServer() throws Exception {
        int before = files.seen().size();
        HttpResponse<String> r = call(callers.get("jwt:admin-search"), "files__stat");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("mcp_access_denied");
        assertThat(new JsonObject(r.body()).getString("jsonrpc")).isEqualTo("2.0");
        assertThat(files.seen()).as("the server was not asked").hasSize(before);
    }

    @Test
    void aMissingRuleScopeIsTheOneChallengeNamingTheRoutesScopesAndTheTools() throws Exception {
        HttpResponse<String> r = call(callers.get("key:files"), "search__lookup");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("insufficient_scope");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"", "scope=\"mcp.use mcp.search\"");
    }

    @Test
    void resourcesAndPromptsFollowTheirRulesInListsAndReads() throws Exception {
        String use = callers.get("key:use");
        assertThat(listed(use, "resources/list", "resources", "uri")).containsExactly("doc://public/one");
        assertThat(answered(send(use, "resources/read", "doc://public/one", new JsonObject().put("uri", "doc://public/one")))).isTrue();
        int before = search.seen().size();
        HttpResponse<String> secret = send(use, "resources/read", "doc://secret/two", new JsonObject().put("uri", "doc://secret/two"));
        assertThat(secret.statusCode()).isEqualTo(403);
        assertThat(code(secret)).isEqualTo("mcp_access_denied");
        assertThat(search.seen()).as("a denied read is not sent, not even to find its owner").hasSize(before);
        assertThat(listed(use, "prompts/list", "prompts", "name")).as("acme's caller sees acme's prompt only").containsExactly("search__brief");
        String globex = callers.get("key:globex-search");
        assertThat(listed(globex, "prompts/list", "prompts", "name")).isEmpty();
        HttpResponse<String> prompt = send(globex, "prompts/get", "search__brief", new JsonObject().put("name", "search__brief"));
        assertThat(prompt.statusCode()).isEqualTo(403);
        assertThat(code(prompt)).isEqualTo("mcp_access_denied");
    }
}
