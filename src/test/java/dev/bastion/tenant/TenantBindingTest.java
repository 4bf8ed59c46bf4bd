package dev.bastion.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.TestGateway;
import dev.bastion.tokens.ClientService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant binding (Z2, issue 19) end to end: real HTTP over loopback, real API keys, IdP JWTs and Bastion tokens.
 * A request naming another org — in the path, a query parameter, a JSON body field or a GraphQL argument, in
 * every encoding trick — answers exactly the unknown-route 404 (body and header names) and is recorded as
 * {@code tenant.cross_attempt}; the caller's own org goes through.
 */
class TenantBindingTest {
    static Vertx idpVertx;
    static FakeIdp idp;
    static TestGateway gw;
    static String acmeKey, acmeAdminKey, jwt, bastionToken;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new FakeIdp(idpVertx);
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - { name: main, issuer: "IDP", jwks_uri: "IDP/keys", audiences: [bastion-api] }
                tokens:
                  endpoint: { requests_per_ip: 100000/1m }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - id: boards
                    match: { methods: [GET, POST], path: "/orgs/{org}/boards/*" }
                    upstream: app
                    auth: { methods: [jwt, api_key, bastion_token] }
                    bind: [{ path: org, to: org }]
                  - id: search
                    match: { methods: [GET], path: /search }
                    upstream: app
                    auth: { methods: [jwt, api_key, bastion_token] }
                    bind: [{ query: workspace, to: org }]
                  - id: cards
                    match: { methods: [POST], path: /cards }
                    upstream: app
                    content_types: [application/json]
                    auth: { methods: [jwt, api_key, bastion_token] }
                    bind: [{ body: /board/org_id, to: org }]
                  - id: graphql
                    match: { methods: [GET, POST], path: /graphql }
                    upstream: app
                    auth: { methods: [jwt, api_key, bastion_token] }
                    graphql: {}
                    bind: [{ graphql: orgId, to: org }]
                  - id: workspace
                    match: { methods: [GET], path: "/workspaces/{ws}/items" }
                    upstream: app
                    auth: { methods: [jwt, api_key] }
                    bind: [{ path: ws, to: "claim:workspaces" }]
                  - id: profile
                    match: { methods: [GET], path: "/users/{user}/profile" }
                    upstream: app
                    auth: { methods: [jwt, api_key] }
                    bind: [{ path: user, to: user }]
                """.replace("IDP", idp.issuer()));
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
        acmeKey = gw.createKey("acme", "invoke");
        acmeAdminKey = gw.createKey("acme", "admin");
        jwt = idp.sign(idp.ec, idp.claims("ann-" + System.nanoTime(), "bastion-api", "acme").build());
        ClientService.CreatedClient c = new ClientService(gw.store, Clock.systemUTC()).create("acme", Set.of("invoke"), null, null);
        HttpResponse<String> t = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((c.client().id() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        bastionToken = new JsonObject(t.body()).getString("access_token");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        idp.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    enum Cred { API_KEY, JWT, BASTION_TOKEN }

    static String bearer(Cred c) {
        return switch (c) {
            case API_KEY -> acmeKey;
            case JWT -> jwt;
            case BASTION_TOKEN -> bastionToken;
        };
    }

    static HttpResponse<String> get(Cred c, String pathAndQuery) throws Exception {
        return gw.send(gw.request(pathAndQuery).header("Authorization", "Bearer " + bearer(c)).GET().build());
    }

    static HttpResponse<String> post(Cred c, String path, String contentType, String body) throws Exception {
        return gw.send(gw.request(path).header("Authorization", "Bearer " + bearer(c)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The unknown-route answer to compare with: its body without the request id, and its header names. */
    static void assertLooksUnknown(HttpResponse<String> r) throws Exception {
        HttpResponse<String> unknown = gw.send(gw.request("/no-such-route-" + System.nanoTime()).GET().build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(withoutRequestId(r.body())).isEqualTo(withoutRequestId(unknown.body()));
        assertThat(headerNames(r)).isEqualTo(headerNames(unknown));
        assertThat(r.headers().firstValue("content-type")).isEqualTo(unknown.headers().firstValue("content-type"));
        assertThat(r.headers().firstValue("content-length").isPresent()).isEqualTo(unknown.headers().firstValue("content-length").isPresent());
    }

    static String withoutRequestId(String body) {
        JsonObject o = new JsonObject(body);
        o.getJsonObject("error").remove("request_id");
        return o.encode();
    }

    static Set<String> headerNames(HttpResponse<String> r) {
        TreeSet<String> names = new TreeSet<>(r.headers().map().keySet());
        names.remove("date");
        return names;
    }

    static long crossAttempts(String route) {
        List<AuditRow> rows = gw.store.audit().search(AuditRepository.Filter.ALL, 10_000, true, false);
        return rows.stream().filter(r -> r.type().equals("tenant.cross_attempt") && route.equals(r.target())).count();
    }

    /** Refused as unknown, and recorded: one more tenant.cross_attempt for the route. */
    static void assertCrossTenant(String route, HttpResponse<String> r, long before) throws Exception {
        assertLooksUnknown(r);
        Eventually.until("tenant.cross_attempt recorded for " + route, () -> crossAttempts(route) > before);
    }

    static Stream<Arguments> pathAttacks() {
        return Stream.of(
                Arguments.of("another org", "/orgs/globex/boards/1"),
                Arguments.of("another org, nothing after", "/orgs/globex/boards"),
                Arguments.of("case", "/orgs/ACME/boards/1"),
                Arguments.of("percent-encoded letter of another org", "/orgs/glob%65x/boards/1"),
                Arguments.of("double-encoded own org", "/orgs/%2561cme/boards/1"),
                Arguments.of("fullwidth look-alike of own org", "/orgs/%EF%BD%81cme/boards/1"),
                Arguments.of("cyrillic a look-alike", "/orgs/%D0%B0cme/boards/1"),
                Arguments.of("trailing space", "/orgs/acme%20/boards/1"),
                Arguments.of("matrix parameter on another org", "/orgs/globex;x=acme/boards/1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathAttacks")
    void aPathNamingAnotherOrgIsNotFound(String label, String path) throws Exception {
        for (Cred c : Cred.values()) {
            long before = crossAttempts("boards");
            assertCrossTenant("boards", get(c, path), before);
        }
    }

    @Test
    void encodedSlashesAndDotSegmentsNeverReachTheBinding() throws Exception {
        // The edge refuses them first (400): /orgs/acme%2F..%2Fglobex cannot be read as acme by Bastion and globex upstream.
        assertThat(get(Cred.API_KEY, "/orgs/acme%2F..%2Fglobex/boards/1").statusCode()).isEqualTo(400);
        assertThat(get(Cred.API_KEY, "/orgs/acme/../globex/boards/1").statusCode()).isIn(400, 404);
    }

    @Test
    void theCallersOwnOrgGoesThroughForEveryCredential() throws Exception {
        for (Cred c : Cred.values()) {
            HttpResponse<String> r = get(c, "/orgs/acme/boards/7");
            assertThat(r.statusCode()).as(c + ": " + r.body()).isEqualTo(200);
            assertThat(gw.upstream.last().uri()).isEqualTo("/orgs/acme/boards/7");
            assertThat(get(c, "/search?workspace=acme&q=x").statusCode()).as(c.name()).isEqualTo(200);
            assertThat(post(c, "/cards", "application/json", "{\"board\":{\"org_id\":\"acme\"},\"title\":\"t\"}").statusCode()).as(c.name()).isEqualTo(200);
            assertThat(post(c, "/graphql", "application/json", "{\"query\":\"query($o: ID!) { boards(orgId: $o) { id } }\",\"variables\":{\"o\":\"acme\"}}")
                    .statusCode()).as(c.name()).isEqualTo(200);
        }
    }

    static Stream<Arguments> queryAttacks() {
        return Stream.of(
                Arguments.of("another org", "workspace=globex"),
                Arguments.of("own org then another (duplicate)", "workspace=acme&workspace=globex"),
                Arguments.of("another then own (duplicate)", "workspace=globex&workspace=acme"),
                Arguments.of("own org and a case variant of the name", "workspace=acme&Workspace=globex"),
                Arguments.of("encoded name duplicate", "workspace=acme&w%6Frkspace=globex"),
                Arguments.of("case of the value", "workspace=Acme"),
                Arguments.of("missing", "q=x"),
                Arguments.of("empty", "workspace="),
                Arguments.of("double-encoded", "workspace=%2561cme"),
                Arguments.of("fullwidth look-alike", "workspace=%EF%BD%81cme"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryAttacks")
    void aQueryParameterNamingAnotherOrgIsNotFound(String label, String query) throws Exception {
        for (Cred c : Cred.values()) {
            long before = crossAttempts("search");
            assertCrossTenant("search", get(c, "/search?" + query), before);
        }
    }

    static Stream<Arguments> bodyAttacks() {
        return Stream.of(
                Arguments.of("another org", "{\"board\":{\"org_id\":\"globex\"}}"),
                Arguments.of("duplicate key, own last", "{\"board\":{\"org_id\":\"globex\",\"org_id\":\"acme\"}}"),
                Arguments.of("duplicate key, own first", "{\"board\":{\"org_id\":\"acme\",\"org_id\":\"globex\"}}"),
                Arguments.of("duplicate outer object", "{\"board\":{\"org_id\":\"acme\"},\"board\":{\"org_id\":\"globex\"}}"),
                Arguments.of("escaped look-alike", "{\"board\":{\"org_id\":\"\\uff41cme\"}}"),
                Arguments.of("a list", "{\"board\":{\"org_id\":[\"acme\",\"globex\"]}}"),
                Arguments.of("an object", "{\"board\":{\"org_id\":{\"id\":\"acme\"}}}"),
                Arguments.of("null", "{\"board\":{\"org_id\":null}}"),
                Arguments.of("missing", "{\"board\":{\"title\":\"x\"}}"),
                Arguments.of("not JSON", "org_id=acme"),
                Arguments.of("trailing document", "{\"board\":{\"org_id\":\"acme\"}} {\"board\":{\"org_id\":\"globex\"}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodyAttacks")
    void aBodyFieldNamingAnotherOrgIsNotFound(String label, String body) throws Exception {
        for (Cred c : Cred.values()) {
            long before = crossAttempts("cards");
            assertCrossTenant("cards", post(c, "/cards", "application/json", body), before);
        }
    }

    static Stream<Arguments> graphqlAttacks() {
        return Stream.of(
                Arguments.of("literal another org", "{\"query\":\"{ boards(orgId: \\\"globex\\\") { id } }\"}"),
                Arguments.of("variable another org", "{\"query\":\"query($o: ID!) { boards(orgId: $o) { id } }\",\"variables\":{\"o\":\"globex\"}}"),
                Arguments.of("nested field argument", "{\"query\":\"{ me { boards(orgId: \\\"acme\\\") { cards(orgId: \\\"globex\\\") { id } } } }\"}"),
                Arguments.of("alias over own org", "{\"query\":\"{ a: boards(orgId: \\\"acme\\\") { id } b: boards(orgId: \\\"globex\\\") { id } }\"}"),
                Arguments.of("input object field", "{\"query\":\"mutation { addCard(input: {orgId: \\\"globex\\\", title: \\\"t\\\"}) { id } }\"}"),
                Arguments.of("input object variable", "{\"query\":\"mutation($i: CardInput!) { addCard(input: $i) { id } }\",\"variables\":{\"i\":{\"orgId\":\"globex\"}}}"),
                Arguments.of("in a fragment", "{\"query\":\"{ ...F } fragment F on Query { boards(orgId: \\\"globex\\\") { id } }\"}"),
                Arguments.of("in the operation not selected", "{\"query\":\"query A { boards(orgId: \\\"acme\\\") { id } } query B { boards(orgId: \\\"globex\\\") { id } }\",\"operationName\":\"A\"}"),
                Arguments.of("second of a batch", "[{\"query\":\"{ boards(orgId: \\\"acme\\\") { id } }\"},{\"query\":\"{ boards(orgId: \\\"globex\\\") { id } }\"}]"),
                Arguments.of("duplicate variables key", "{\"query\":\"query($o: ID!) { boards(orgId: $o) { id } }\",\"variables\":{\"o\":\"acme\",\"o\":\"globex\"}}"),
                Arguments.of("variable without a value", "{\"query\":\"query($o: ID) { boards(orgId: $o) { id } }\"}"),
                Arguments.of("a list", "{\"query\":\"{ boards(orgId: [\\\"acme\\\"]) { id } }\"}"),
                Arguments.of("an enum", "{\"query\":\"{ boards(orgId: acme) { id } }\"}"),
                Arguments.of("argument absent", "{\"query\":\"{ me { id } }\"}"),
                Arguments.of("persisted hash alone", "{\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"" + "a".repeat(64) + "\"}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphqlAttacks")
    void aGraphqlArgumentNamingAnotherOrgIsNotFound(String label, String body) throws Exception {
        for (Cred c : Cred.values()) {
            long before = crossAttempts("graphql");
            assertCrossTenant("graphql", post(c, "/graphql", "application/json", body), before);
        }
    }

    @Test
    void aGraphqlGetIsBoundToo() throws Exception {
        String q = java.net.URLEncoder.encode("{ boards(orgId: \"globex\") { id } }", StandardCharsets.UTF_8);
        long before = crossAttempts("graphql");
        assertCrossTenant("graphql", get(Cred.JWT, "/graphql?query=" + q), before);
        String own = java.net.URLEncoder.encode("{ boards(orgId: \"acme\") { id } }", StandardCharsets.UTF_8);
        assertThat(get(Cred.JWT, "/graphql?query=" + own).statusCode()).isEqualTo(200);
    }

    @Test
    void aUserBindingTakesOnlyTheCallersOwnUserId() throws Exception {
        assertThat(get(Cred.JWT, "/orgs/acme/boards/1").statusCode()).isEqualTo(200); // the user exists from here on
        String sub = com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet().getSubject();
        String userId = gw.store.users().list("acme").stream().filter(u -> sub.equals(u.externalId())).findFirst().orElseThrow().id();
        assertThat(get(Cred.JWT, "/users/" + userId + "/profile").statusCode()).isEqualTo(200);
        long before = crossAttempts("profile");
        assertCrossTenant("profile", get(Cred.JWT, "/users/usr_someone_else/profile"), before);
        before = crossAttempts("profile");
        // an API key has no user: it never matches a user binding
        assertCrossTenant("profile", get(Cred.API_KEY, "/users/" + userId + "/profile"), before);
    }

    @Test
    void theEventNamesWhoAndWhichBindingButNotTheValues() throws Exception {
        String marker = "globex" + System.nanoTime();
        long before = crossAttempts("cards");
        assertCrossTenant("cards", post(Cred.API_KEY, "/cards", "application/json", "{\"board\":{\"org_id\":\"" + marker + "\"}}"), before);
        AuditRow row = gw.store.audit().search(AuditRepository.Filter.ALL, 10_000, true, false).stream()
                .filter(r -> r.type().equals("tenant.cross_attempt") && "cards".equals(r.target())).reduce((a, b) -> b).orElseThrow();
        assertThat(row.actorOrg()).isEqualTo("acme");
        assertThat(row.actorId()).isNotBlank();
        assertThat(row.reason()).isEqualTo("tenant_mismatch");
        assertThat(row.result()).isEqualTo("denied");
        assertThat(row.fields()).contains("body:/board/org_id").doesNotContain(marker);
        assertThat(String.valueOf(row)).doesNotContain(marker);
        // and the metric
        HttpResponse<String> metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).GET().build());
        assertThat(metrics.body()).contains("bastion_tenant_cross_attempts_total{binding=\"body:/board/org_id\",reason=\"tenant_mismatch\",route=\"cards\"}");
    }

    @Test
    void theAdminApiAddressedByOrgIsBoundToTheCallersOrg() throws Exception {
        HttpResponse<String> own = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/orgs/acme/keys")).header("Authorization", "Bearer " + acmeAdminKey).GET().build());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(new JsonObject(own.body()).getJsonArray("items").stream().map(k -> ((JsonObject) k).getString("org"))).containsOnly("acme");
        long before = adminCrossAttempts("globex");
        HttpResponse<String> theirs = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/orgs/globex/keys")).header("Authorization", "Bearer " + acmeAdminKey).GET().build());
        // the same answer as an org that exists nowhere (AdminRole: another org is the unknown object)
        HttpResponse<String> unknown = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/orgs/no-such-" + System.nanoTime() + "/keys"))
                .header("Authorization", "Bearer " + acmeAdminKey).GET().build());
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(withoutRequestId(theirs.body())).isEqualTo(withoutRequestId(unknown.body()));
        assertThat(headerNames(theirs)).isEqualTo(headerNames(unknown));
        Eventually.until("tenant.cross_attempt recorded for the admin API", () -> adminCrossAttempts("globex") > before);
        HttpResponse<String> clients = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/orgs/globex/clients")).header("Authorization", "Bearer " + acmeAdminKey).GET().build());
        assertThat(clients.statusCode()).isEqualTo(404);
        assertThat(gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/orgs/globex/keys")).GET().build()).statusCode())
                .as("no credentials: 401 before the binding").isEqualTo(401);
    }

    private long adminCrossAttempts(String object) {
        return gw.store.audit().search(AuditRepository.Filter.ALL, 10_000, true, false).stream()
                .filter(r -> r.type().equals("tenant.cross_attempt") && r.fields().contains("\"object\":\"" + object + "\"")).count();
    }

    /** A claim binding: the path names one of the token's own {@code workspaces}, or it is somebody else's. */
    @Test
    void aClaimBindingAdmitsTheTokensOwnValuesOnly() throws Exception {
        String member = idp.sign(idp.ec, idp.claims("wsm-" + System.nanoTime(), "bastion-api", "acme")
                .claim("workspaces", java.util.List.of("ws-1", "ws-2")).build());
        String single = idp.sign(idp.ec, idp.claims("wss-" + System.nanoTime(), "bastion-api", "acme").claim("workspaces", "ws-9").build());
        String other = idp.sign(idp.ec, idp.claims("wso-" + System.nanoTime(), "bastion-api", "acme")
                .claim("workspaces", java.util.List.of("ws-3", 1, java.util.Map.of("id", "ws-1"))).build());
        assertThat(getAs(member, "/workspaces/ws-1/items").statusCode()).isEqualTo(200);
        assertThat(getAs(member, "/workspaces/ws-2/items").statusCode()).isEqualTo(200);
        assertThat(getAs(single, "/workspaces/ws-9/items").statusCode()).as("a single string claim").isEqualTo(200);
        assertLooksUnknown(getAs(member, "/workspaces/ws-3/items"));
        assertLooksUnknown(getAs(member, "/workspaces/WS-1/items"));
        assertLooksUnknown(getAs(member, "/workspaces/ws-1%20/items"));
        assertLooksUnknown(getAs(other, "/workspaces/ws-1/items")); // only strings count: not the number, not an object's member
        assertLooksUnknown(getAs(jwt, "/workspaces/ws-1/items")); // no such claim
        assertLooksUnknown(getAs(acmeKey, "/workspaces/ws-1/items")); // an API key carries no claims
    }

    static HttpResponse<String> getAs(String bearer, String pathAndQuery) throws Exception {
        return gw.send(gw.request(pathAndQuery).header("Authorization", "Bearer " + bearer).GET().build());
    }
}
