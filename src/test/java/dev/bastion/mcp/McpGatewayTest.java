package dev.bastion.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.McpStandIn;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MCP routes through the real gateway over loopback, in front of stand-in MCP servers speaking 2026-07-28: Bastion as
 * the OAuth resource server (metadata, challenges, audience binding, no token passthrough), the transport's checks
 * (versions, header/body agreement, batches, Origin, GET/DELETE behind authentication), several servers behind one
 * route (namespacing, refused names, paging) and event streams relayed as they arrive.
 */
class McpGatewayTest {
    static final String RES_A = "https://mcp.example.test/a/mcp", RES_B = "https://mcp.example.test/b/mcp";
    static Vertx vertx;
    static FakeIdp idp;
    static McpStandIn search, files;
    static TestGateway gw;
    static String keyA, keyB, keyBNoScope;
    static dev.bastion.tokens.ClientService.CreatedClient machine;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        idp = new FakeIdp(vertx);
        search = new McpStandIn(vertx, List.of("lookup", "stream", "summarize"), List.of("doc://one"), List.of("brief"), 2);
        files = new McpStandIn(vertx, List.of("lookup", "bad__name", "dup", "dup"), List.of("file://a", "doc://one"), List.of("brief"), 10);
        files.ttl(5_000);
        String yaml = """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                audit: { auth_failure_sample: 100000 }
                tokens:
                  issuer: https://bastion.test
                  audiences: [bastion, RES_A, RES_B]
                identity:
                  issuers:
                    - name: main
                      issuer: "IDP"
                      audiences: [RES_A, RES_B, keycloak-client, https://elsewhere.example.test/api]
                upstreams:
                  search: { url: "SEARCH", api_key: env:PROVIDER_KEY }
                  files: { url: "FILES" }
                  down: { url: "http://127.0.0.1:DOWN/mcp", connect_timeout: 2s }
                routes:
                  - id: mcp-a
                    match: { methods: [POST], path: /a/mcp }
                    auth: { methods: [jwt, api_key, bastion_token] }
                    mcp:
                      servers: [{ name: search, upstream: search }]
                      resource: RES_A
                      scopes_supported: [mcp.use, mcp.admin]
                      authorization_servers: ["IDP"]
                      accept_audiences: [keycloak-client]
                      allowed_origins: [https://app.example.test]
                  - id: mcp-b
                    match: { methods: [POST], path: /b/mcp }
                    auth: { methods: [jwt, api_key, bastion_token] }
                    require: { scopes_all: [mcp.use, mcp.tools] }
                    max_body_bytes: 4KiB
                    mcp:
                      servers: [{ name: search, upstream: search }, { name: files, upstream: files }]
                      resource: RES_B
                      authorization_servers: ["IDP"]
                  - id: mcp-c
                    match: { methods: [POST], path: /c/mcp }
                    auth: { methods: [api_key] }
                    mcp:
                      servers: [{ name: search, upstream: search }, { name: down, upstream: down }]
                      resource: https://mcp.example.test/c/mcp
                      authorization_servers: ["IDP"]
                """.replace("RES_A", RES_A).replace("RES_B", RES_B).replace("SEARCH", search.url()).replace("FILES", files.url())
                .replace("IDP", idp.issuer()).replace("DOWN", Integer.toString(closedPort()));
        gw = TestGateway.start(yaml);
        gw.store.orgs().ensure("acme");
        keyA = gw.createKey("acme", "invoke");
        keyB = gw.createKey("acme", "mcp.use", "mcp.tools");
        keyBNoScope = gw.createKey("acme", "mcp.use");
        machine = new dev.bastion.tokens.ClientService(gw.store, java.time.Clock.systemUTC()).create("acme", java.util.Set.of("mcp.use", "mcp.tools"), "agent", null);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        search.close();
        files.close();
        idp.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A loopback port nothing listens on. */
    static int closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static String jwt(String aud) {
        return jwt(idp.claims("user-" + UUID.randomUUID(), aud, "acme").build());
    }

    static String jwt(JWTClaimsSet claims) {
        return idp.sign(idp.rsa, claims);
    }

    static String rpc(String method, JsonObject params) {
        JsonObject o = new JsonObject().put("jsonrpc", "2.0").put("id", 7).put("method", method);
        if (params != null) o.put("params", params);
        return o.encode();
    }

    static HttpRequest.Builder mcp(String path, String token, String method, String name, String body) {
        HttpRequest.Builder b = gw.request(path).header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (method != null) b.header("Mcp-Method", method);
        if (name != null) b.header("Mcp-Name", name);
        return b;
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return gw.send(b.build());
    }

    static HttpResponse<String> list(String path, String token, String method) throws Exception {
        return send(mcp(path, token, method, null, rpc(method, null)));
    }

    static HttpResponse<String> call(String path, String token, String tool, String text) throws Exception {
        return send(mcp(path, token, "tools/call", tool, rpc("tools/call", new JsonObject().put("name", tool).put("arguments", new JsonObject().put("text", text)))));
    }

    static JsonObject error(HttpResponse<String> r) {
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("jsonrpc")).as("a JSON-RPC error an MCP client reads").isEqualTo("2.0");
        assertThat(body.getJsonObject("error").getJsonObject("data").getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        return body.getJsonObject("error");
    }

    static List<String> names(HttpResponse<String> r, String key, String field) {
        JsonArray items = new JsonObject(r.body()).getJsonObject("result").getJsonArray(key);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) out.add(items.getJsonObject(i).getString(field));
        return out;
    }

    // --- the resource server ---------------------------------------------------------------------------------------

    @Test
    void withoutATokenTheChallengeNamesTheRoutesMetadataWhichResolvesToItsOwnDocument() throws Exception {
        HttpResponse<String> r = list("/a/mcp", null, "tools/list");
        assertThat(r.statusCode()).isEqualTo(401);
        String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).isEqualTo("Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/a/mcp\", scope=\"mcp.use mcp.admin\"");
        assertThat(challenge).as("no error code when no token came (RFC 6750 §3.1)").doesNotContain("error=");
        assertThat(error(r).getJsonObject("data").getString("code")).isEqualTo("credentials_missing");

        String url = challenge.replaceAll(".*resource_metadata=\"([^\"]+)\".*", "$1");
        HttpResponse<String> doc = gw.send(gw.request(URI.create(url).getRawPath()).GET().build());
        assertThat(doc.statusCode()).isEqualTo(200);
        JsonObject meta = new JsonObject(doc.body());
        assertThat(meta.getString("resource")).isEqualTo(RES_A);
        assertThat(meta.getJsonArray("authorization_servers").getList()).containsExactly(idp.issuer());
        assertThat(meta.getJsonArray("scopes_supported").getList()).containsExactly("mcp.use", "mcp.admin");
        assertThat(meta.getJsonArray("bearer_methods_supported").getList()).containsExactly("header");

        // The other route has a document of its own, and names its required scopes in its challenge.
        HttpResponse<String> b = list("/b/mcp", null, "tools/list");
        assertThat(b.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/b/mcp\", scope=\"mcp.use mcp.tools\"");
        JsonObject metaB = new JsonObject(gw.send(gw.request("/.well-known/oauth-protected-resource/b/mcp").GET().build()).body());
        assertThat(metaB.getString("resource")).isEqualTo(RES_B);
        assertThat(metaB.containsKey("scopes_supported")).as("an empty parameter is left out (RFC 9728 §2)").isFalse();
    }

    @Test
    void aBadTokenIsInvalidTokenWithTheSameMetadata() throws Exception {
        HttpResponse<String> r = list("/a/mcp", "not-a-valid-token", "tools/list");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_token\", resource_metadata=\"https://mcp.example.test/");
    }

    @Test
    void aTokenForAnotherResourceOrAnotherMcpRouteIsRefused() throws Exception {
        int before = search.seen().size();
        assertThat(list("/a/mcp", jwt(RES_A), "tools/list").statusCode()).as("issued for this route").isEqualTo(200);

        HttpResponse<String> other = list("/a/mcp", jwt("https://elsewhere.example.test/api"), "tools/list");
        assertThat(other.statusCode()).as("a token for another resource of the same IdP").isEqualTo(401);
        assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        assertThat(error(other).getJsonObject("data").getString("code")).isEqualTo("mcp_audience_mismatch");

        HttpResponse<String> routeB = list("/b/mcp", jwt(RES_A), "tools/list");
        assertThat(routeB.statusCode()).as("a token for route A used on route B").isEqualTo(401);
        String rid = routeB.headers().firstValue("X-Request-Id").orElseThrow();
        dev.bastion.testing.Eventually.until("the replay's audit event", () -> gw.store.audit()
                .search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "auth.failure", null, null, null), 1000, false, false).stream()
                .anyMatch(e -> rid.equals(e.requestId()) && "mcp_audience_mismatch".equals(e.reason())));
        assertThat(list("/a/mcp", jwt(RES_B), "tools/list").statusCode()).as("and the other way").isEqualTo(401);
        assertThat(search.seen().size()).as("only the bound token reached a server").isEqualTo(before + 1);
    }

    @Test
    void theExplicitAudienceFallbackAcceptsAudOrAzpOnlyOnTheRouteThatListsIt() throws Exception {
        assertThat(list("/a/mcp", jwt("keycloak-client"), "tools/list").statusCode()).isEqualTo(200);
        JWTClaimsSet azp = idp.claims("user-" + UUID.randomUUID(), "https://elsewhere.example.test/api", "acme").claim("azp", "keycloak-client").build();
        assertThat(list("/a/mcp", jwt(azp), "tools/list").statusCode()).as("azp is the Keycloak client").isEqualTo(200);
        assertThat(list("/b/mcp", jwt("keycloak-client"), "tools/list").statusCode()).as("route B lists no fallback").isEqualTo(401);
    }

    /** A Bastion access token for the machine client, asked for {@code audience} (none: the default audience). */
    static String bastionToken(String audience) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + machine.client().id() + "&client_secret=" + machine.secret()
                + (audience == null ? "" : "&audience=" + java.net.URLEncoder.encode(audience, StandardCharsets.UTF_8));
        HttpResponse<String> r = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("access_token");
    }

    @Test
    void bastionTokensAreBoundToTheResourceTheyWereAskedFor() throws Exception {
        String forA = bastionToken(RES_A);
        assertThat(list("/a/mcp", forA, "tools/list").statusCode()).isEqualTo(200);
        search.last().headers().forEach(h -> assertThat(h.getValue()).as(h.getKey()).doesNotContain(forA));
        HttpResponse<String> onB = list("/b/mcp", forA, "tools/list");
        assertThat(onB.statusCode()).as("a token for route A on route B").isEqualTo(401);
        assertThat(onB.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
        assertThat(list("/a/mcp", bastionToken(null), "tools/list").statusCode()).as("a token for Bastion's default audience").isEqualTo(401);
        assertThat(list("/b/mcp", bastionToken(RES_B), "tools/list").statusCode()).isEqualTo(200);
    }

    /** The token endpoint's answer for the machine client with {@code extra} form fields ({@code &name=value…}, encoded here). */
    static HttpResponse<String> tokenFor(String... fields) throws Exception {
        StringBuilder form = new StringBuilder("grant_type=client_credentials&client_id=" + machine.client().id() + "&client_secret=" + machine.secret());
        for (int i = 0; i < fields.length; i += 2) {
            form.append('&').append(fields[i]).append('=').append(java.net.URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build());
    }

    @Test
    void rfc8707ResourceAsksForATokenBoundToThatMcpRoute() throws Exception {
        HttpResponse<String> ok = tokenFor("resource", RES_A);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        String forA = new JsonObject(ok.body()).getString("access_token");
        assertThat(list("/a/mcp", forA, "tools/list").statusCode()).isEqualTo(200);
        assertThat(list("/b/mcp", forA, "tools/list").statusCode()).as("bound to the resource asked for").isEqualTo(401);
        assertThat(tokenFor("resource", RES_A, "resource", RES_A).statusCode()).as("the same resource twice").isEqualTo(200);
        assertThat(tokenFor("resource", RES_B, "audience", RES_B).statusCode()).as("audience and resource agreeing").isEqualTo(200);

        String unknown = "https://attacker.example.test/mcp";
        for (String[] bad : List.of(new String[] {"resource", RES_A, "resource", RES_B}, new String[] {"resource", unknown},
                new String[] {"resource", RES_A + "#frag"}, new String[] {"resource", "/a/mcp"}, new String[] {"resource", RES_A, "audience", RES_B})) {
            HttpResponse<String> r = tokenFor(bad);
            assertThat(r.statusCode()).as(String.join(" ", bad)).isEqualTo(400);
            JsonObject body = new JsonObject(r.body());
            assertThat(body.getString("error")).as(String.join(" ", bad)).isEqualTo("invalid_target");
            assertThat(body.containsKey("access_token")).isFalse();
            assertThat(r.body()).as("the value is not echoed").doesNotContain(unknown).doesNotContain("#frag");
        }
    }

    @Test
    void theCallersTokenNeverReachesTheServerWhichGetsItsOwnCredential() throws Exception {
        String token = jwt(RES_A);
        HttpResponse<String> r = call("/a/mcp", token, "lookup", "x");
        assertThat(r.statusCode()).isEqualTo(200);
        McpStandIn.Seen seen = search.last();
        assertThat(seen.headers().get("Authorization")).as("the server's own key, not the caller's token").isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        assertThat(seen.headers().get("X-Bastion-Identity")).as("who called, signed by Bastion").isNotBlank();
        seen.headers().forEach(h -> assertThat(h.getValue()).as(h.getKey()).doesNotContain(token));
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).doesNotContain(token).contains("\"mcp_method\":\"tools/call\"");

        // An API key is a credential too: never forwarded either.
        call("/a/mcp", keyA, "lookup", "y");
        search.last().headers().forEach(h -> assertThat(h.getValue()).as(h.getKey()).doesNotContain(keyA));
        assertThat(files.seen()).as("the files server has no credential and got none").allSatisfy(s -> assertThat(s.headers().get("Authorization")).isNull());
    }

    @Test
    void tooFewScopesIsOne403NamingEveryScopeTheOperationNeeds() throws Exception {
        HttpResponse<String> r = list("/b/mcp", keyBNoScope, "tools/list");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer error=\"insufficient_scope\", scope=\"mcp.use mcp.tools\", resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/b/mcp\"");
        assertThat(list("/b/mcp", keyB, "tools/list").statusCode()).isEqualTo(200);
    }

    // --- the transport ----------------------------------------------------------------------------------------------

    @Test
    void getDeleteAndEveryOtherMethodAreAuthenticatedBeforeTheyAreAnswered() throws Exception {
        for (String m : List.of("GET", "DELETE", "PUT", "PATCH")) {
            HttpResponse<String> anon = gw.send(gw.request("/a/mcp").method(m, HttpRequest.BodyPublishers.noBody()).build());
            assertThat(anon.statusCode()).as(m + " without a token").isEqualTo(401);
            HttpResponse<String> authed = gw.send(gw.request("/a/mcp").header("Authorization", "Bearer " + keyA).method(m, HttpRequest.BodyPublishers.noBody()).build());
            assertThat(authed.statusCode()).as(m + " with one: no stream, no sessions, POST only").isEqualTo(405);
            assertThat(authed.headers().firstValue("Allow")).hasValue("POST");
        }
        assertThat(search.seen()).as("none of them reached a server").allSatisfy(s -> assertThat(s.method()).isEqualTo("POST"));
    }

    @Test
    void theProtocolVersionMustBeOneSpokenHereInTheHeaderAndInTheBody() throws Exception {
        HttpResponse<String> missing = gw.send(HttpRequest.newBuilder(gw.uri("/a/mcp")).header("Authorization", "Bearer " + keyA)
                .header("Content-Type", "application/json").header("Mcp-Method", "tools/list").POST(HttpRequest.BodyPublishers.ofString(rpc("tools/list", null))).build());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing).getJsonObject("data").getString("code")).isEqualTo("mcp_protocol_version_missing");
        HttpResponse<String> old = gw.send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", null)).setHeader("MCP-Protocol-Version", "2025-06-18").build());
        assertThat(old.statusCode()).isEqualTo(400);
        assertThat(error(old).getInteger("code")).isEqualTo(McpProtocol.UNSUPPORTED_VERSION);
        assertThat(error(old).getJsonObject("data").getJsonArray("supported").getList()).containsExactly("2026-07-28");

        // The body's own claim (params._meta) must agree with the header.
        JsonObject meta = new JsonObject().put("_meta", new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2025-11-25"));
        HttpResponse<String> claims = send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", meta)));
        assertThat(claims.statusCode()).isEqualTo(400);
        assertThat(error(claims).getInteger("code")).isEqualTo(McpProtocol.HEADER_MISMATCH);
        meta.getJsonObject("_meta").put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        assertThat(send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", meta))).statusCode()).isEqualTo(200);
    }

    @Test
    void aNotificationMayComeWithoutTheStandardHeadersButNotWithWrongOnes() throws Exception {
        String note = new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/cancelled").encode();
        HttpResponse<String> bare = gw.send(gw.request("/a/mcp").header("Authorization", "Bearer " + keyA).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(note)).build());
        assertThat(bare.statusCode()).isEqualTo(202);
        assertThat(send(mcp("/a/mcp", keyA, "tools/call", null, note)).statusCode()).isEqualTo(400);
    }

    @Test
    void aNameOutsideVisibleAsciiTravelsBase64EncodedAndIsComparedDecoded() {
        String name = "suché-słowo";
        String encoded = "=?base64?" + java.util.Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=";
        assertThat(McpTransportControl.sameName(List.of(encoded), name)).isTrue();
        assertThat(McpTransportControl.sameName(List.of(encoded), "other")).isFalse();
        assertThat(McpTransportControl.sameName(List.of("=?base64?!!notbase64!!?="), "x")).isFalse();
        assertThat(McpTransportControl.sameName(List.of(name, name), name)).as("twice").isFalse();
    }

    @Test
    void headersThatDisagreeWithTheBodyAreRefusedBeforeAnyServerSeesThem() throws Exception {
        int before = search.seen().size();
        String callBody = rpc("tools/call", new JsonObject().put("name", "lookup").put("arguments", new JsonObject()));
        // The bypass: a gateway that authorizes on the header would let a tools/call through as a harmless list.
        HttpResponse<String> disguised = send(mcp("/a/mcp", keyA, "tools/list", null, callBody));
        assertThat(disguised.statusCode()).isEqualTo(400);
        assertThat(error(disguised).getInteger("code")).isEqualTo(McpProtocol.HEADER_MISMATCH);
        assertThat(send(mcp("/a/mcp", keyA, "tools/call", null, callBody)).statusCode()).as("Mcp-Name missing").isEqualTo(400);
        assertThat(send(mcp("/a/mcp", keyA, "tools/call", "summarize", callBody)).statusCode()).as("Mcp-Name names another tool").isEqualTo(400);
        assertThat(send(mcp("/a/mcp", keyA, null, null, callBody)).statusCode()).as("Mcp-Method missing").isEqualTo(400);
        assertThat(send(mcp("/a/mcp", keyA, "tools/list", "lookup", rpc("tools/list", null))).statusCode()).as("a name the body does not have").isEqualTo(400);
        // A key given twice: Bastion and the server could each read another method.
        String twice = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\"}}";
        HttpResponse<String> dup = send(mcp("/a/mcp", keyA, "tools/list", null, twice));
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(error(dup).getInteger("code")).isEqualTo(McpProtocol.PARSE_ERROR);
        HttpResponse<String> batch = send(mcp("/a/mcp", keyA, "tools/list", null, "[" + rpc("tools/list", null) + "]"));
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(error(batch).getJsonObject("data").getString("code")).isEqualTo("mcp_batch_refused");
        assertThat(search.seen().size()).as("nothing reached the server").isEqualTo(before);
        assertThat(call("/a/mcp", keyA, "lookup", "ok").statusCode()).as("agreeing headers pass").isEqualTo(200);
    }

    @Test
    void aBodyOverTheRoutesCapIsRefusedBeforeAnyServerSeesIt() throws Exception {
        int before = search.seen().size() + files.seen().size();
        String big = rpc("tools/call", new JsonObject().put("name", "search__lookup").put("arguments", new JsonObject().put("text", "x".repeat(5000))));
        assertThat(send(mcp("/b/mcp", keyB, "tools/call", "search__lookup", big)).statusCode()).isEqualTo(413);
        assertThat(search.seen().size() + files.seen().size()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotJsonByItsTypeIsRefusedAsAWebPageCouldSendItCrossSite() throws Exception {
        HttpResponse<String> r = send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", null)).setHeader("Content-Type", "text/plain"));
        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void anOriginNotOnTheRoutesListIsRefused() throws Exception {
        HttpResponse<String> evil = send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", null)).header("Origin", "https://evil.example.test"));
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(error(evil).getJsonObject("data").getString("code")).isEqualTo("mcp_origin_refused");
        assertThat(send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", null)).header("Origin", "https://app.example.test")).statusCode()).isEqualTo(200);
        assertThat(list("/a/mcp", keyA, "tools/list").statusCode()).as("agents send no Origin").isEqualTo(200);
        assertThat(send(mcp("/b/mcp", keyB, "tools/list", null, rpc("tools/list", null)).header("Origin", "https://app.example.test")).statusCode())
                .as("route B allows no browser origin").isEqualTo(403);
    }

    // --- one server, several servers -------------------------------------------------------------------------------

    @Test
    void oneServerKeepsItsNamesAndItsPaging() throws Exception {
        HttpResponse<String> r = list("/a/mcp", keyA, "tools/list");
        assertThat(names(r, "tools", "name")).containsExactly("lookup", "stream");
        assertThat(new JsonObject(r.body()).getJsonObject("result").getString("nextCursor")).isEqualTo("2");
        HttpResponse<String> next = send(mcp("/a/mcp", keyA, "tools/list", null, rpc("tools/list", new JsonObject().put("cursor", "2"))));
        assertThat(names(next, "tools", "name")).containsExactly("summarize");
        assertThat(new JsonObject(call("/a/mcp", keyA, "summarize", "t").body()).getJsonObject("result").toString()).contains("summarize: t");
        // A changed description is not relayed as it is: the route pins definitions (McpPinningGatewayTest).
    }

    @Test
    void severalServersAreMergedUnderNamespacedNamesAndCallsGoToTheRightOneUnderItsOwnName() throws Exception {
        HttpResponse<String> r = list("/b/mcp", keyB, "tools/list");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject result = new JsonObject(r.body()).getJsonObject("result");
        assertThat(result.getString("resultType")).as("a 2026-07-28 result says it is complete").isEqualTo("complete");
        assertThat(result.getString("cacheScope")).as("a list filtered for its caller is never a shared cache's (the servers said public)").isEqualTo("private");
        assertThat(result.getLong("ttlMs")).as("the shortest-lived of the servers' pages").isEqualTo(5_000L);
        assertThat(names(r, "tools", "name")).as("every page of every server; the separator and collisions left out")
                .containsExactly("search__lookup", "search__stream", "search__summarize", "files__lookup");
        assertThat(new JsonObject(r.body()).getInteger("id")).isEqualTo(7);
        assertThat(names(list("/b/mcp", keyB, "prompts/list"), "prompts", "name")).containsExactly("search__brief", "files__brief");
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"mcp_refused_names\":2");

        HttpResponse<String> c = call("/b/mcp", keyB, "files__lookup", "q");
        assertThat(c.statusCode()).isEqualTo(200);
        assertThat(files.last().body().getJsonObject("params").getString("name")).isEqualTo("lookup");
        assertThat(files.last().headers().get("Mcp-Name")).as("the header agrees with the rewritten body").isEqualTo("lookup");
        assertThat(new JsonObject(c.body()).getJsonObject("result").toString()).contains("lookup: q");

        int searchBefore = search.seen().size(), filesBefore = files.seen().size();
        JsonObject unknown = new JsonObject(call("/b/mcp", keyB, "nosuch__lookup", "q").body());
        assertThat(unknown.getJsonObject("error").getInteger("code")).isEqualTo(McpProtocol.INVALID_PARAMS);
        assertThat(new JsonObject(call("/b/mcp", keyB, "files__bad__name", "q").body()).getJsonObject("error")).as("a name with the separator is never callable").isNotNull();
        assertThat(search.seen().size() + files.seen().size()).isEqualTo(searchBefore + filesBefore);
    }

    @Test
    void aResourceGoesToTheOneServerThatListsItAndOneTwoListIsRefused() throws Exception {
        assertThat(names(list("/b/mcp", keyB, "resources/list"), "resources", "uri")).as("doc://one is listed by both: left out").containsExactly("file://a");
        HttpResponse<String> read = send(mcp("/b/mcp", keyB, "resources/read", "file://a", rpc("resources/read", new JsonObject().put("uri", "file://a"))));
        assertThat(read.body()).contains("contents of file://a");
        assertThat(files.last().body().getString("method")).isEqualTo("resources/read");
        HttpResponse<String> both = send(mcp("/b/mcp", keyB, "resources/read", "doc://one", rpc("resources/read", new JsonObject().put("uri", "doc://one"))));
        assertThat(new JsonObject(both.body()).getJsonObject("error")).isNotNull();
    }

    @Test
    void aListIsAnsweredWholeOrNotAtAllWhileCallsToTheServersThatAreUpStillGo() throws Exception {
        HttpResponse<String> r = list("/c/mcp", keyA, "tools/list");
        assertThat(r.statusCode()).as("one server down: no partial list passed off as the whole").isEqualTo(502);
        assertThat(error(r).getJsonObject("data").getString("code")).isEqualTo("upstream_unavailable");
        assertThat(r.body()).doesNotContain("127.0.0.1");
        assertThat(call("/c/mcp", keyA, "search__lookup", "up").statusCode()).isEqualTo(200);
    }

    @Test
    void severalServersAnswerPingAndDiscoveryTogether() throws Exception {
        JsonObject ping = new JsonObject(list("/b/mcp", keyB, "ping").body());
        assertThat(ping.getJsonObject("result")).isEqualTo(new JsonObject().put("resultType", "complete"));
        JsonObject discover = new JsonObject(list("/b/mcp", keyB, "server/discover").body());
        assertThat(discover.getJsonObject("result").getJsonObject("capabilities").fieldNames()).contains("tools", "resources");
        HttpResponse<String> note = send(mcp("/b/mcp", keyB, "notifications/cancelled", null,
                new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/cancelled").encode()));
        assertThat(note.statusCode()).isEqualTo(202);
    }

    // --- a real client ------------------------------------------------------------------------------------------------

    @Test
    void theOfficialTypeScriptClientConnectsListsAndCallsThroughBastion() throws Exception {
        List<JsonObject> cases = new ArrayList<>();
        for (String line : dev.bastion.testing.NodeSdk.node("mcp.mjs", gw.uri("/b/mcp").toString(), keyB, "files__lookup")) cases.add(new JsonObject(line));
        assertThat(cases).extracting(c -> c.getString("case")).containsExactly("connect", "list", "call", "anonymous");
        assertThat(cases.get(0).getBoolean("ok")).as(cases.get(0).encode()).isTrue();
        assertThat(cases.get(1).getBoolean("ok")).as(cases.get(1).encode()).isTrue();
        assertThat(cases.get(1).getJsonArray("tools").getList()).contains("search__lookup", "files__lookup");
        assertThat(cases.get(2).getString("text")).as(cases.get(2).encode()).isEqualTo("lookup: hi");
        assertThat(files.last().headers().get("Mcp-Name")).isEqualTo("lookup");
        assertThat(cases.get(3).getBoolean("ok")).as("no token: refused").isFalse();
        cases.forEach(c -> assertThat(c.encode()).doesNotContain(keyB));
    }

    // --- streams ------------------------------------------------------------------------------------------------------

    @Test
    void anEventStreamReachesTheClientEventByEventNotAtItsEnd() throws Exception {
        HttpRequest req = mcp("/a/mcp", keyA, "tools/call", "stream",
                rpc("tools/call", new JsonObject().put("name", "stream").put("arguments", new JsonObject().put("text", "s")))).build();
        HttpResponse<InputStream> r = gw.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            // The server holds its result until released: the progress event can only arrive if it was relayed alone.
            String first = in.readLine();
            assertThat(first).isEqualTo("event: message");
            assertThat(in.readLine()).contains("notifications/progress");
            search.release();
            StringBuilder rest = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) rest.append(line).append('\n');
            assertThat(rest.toString()).contains("\"id\":7").contains("stream: s");
        }
    }
}
