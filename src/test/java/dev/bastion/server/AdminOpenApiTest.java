package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.authz.RequireControl;
import dev.bastion.contract.CompiledSchema;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API's OpenAPI 3.1 document, served by a real gateway, against the routes that gateway assembled: no
 * undocumented route, no documented route missing; and real answers — lists, refusals, a revocation — that satisfy
 * the document's response schemas.
 */
class AdminOpenApiTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What CompiledSchema validates: Jackson 3's trees. */
    private static final tools.jackson.databind.json.JsonMapper INSTANCES = tools.jackson.databind.json.JsonMapper.builder().build();
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    static TestGateway gw;
    static JsonNode doc;
    static String adminKey;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: app
                    match: { methods: [GET], path: /app/* }
                    upstream: app
                    auth: { methods: [api_key] }
                """));
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
        adminKey = gw.createKey("acme", "admin");
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/openapi.yaml")).GET().build());
        assertThat(r.statusCode()).as("the document needs no credentials").isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/yaml");
        doc = YAML.readTree(r.body());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void theDocumentIsOpenApi31AndCoversExactlyTheAssembledRoutes() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
        Set<String> documented = new TreeSet<>();
        for (Operation op : operations()) documented.add(op.method().toUpperCase(Locale.ROOT) + " " + shape(op.path()));
        Set<String> served = new TreeSet<>();
        for (Route r : gw.gateway.adminRoutes()) {
            if (r.match().path().startsWith("/admin/v1/")) for (String m : r.methods()) served.add(m + " " + shape(r.match().path()));
        }
        assertThat(served).as("the assembled admin routes").contains("GET /admin/v1/keys", "POST /admin/v1/revocations", "GET /admin/v1/orgs/{}/keys");
        assertThat(documented).as("documented (method, path) pairs against the routes AdminRoutes assembled").isEqualTo(served);
    }

    @Test
    void eachOperationStatesTheScopesItsRouteRequires() {
        // what a route accepts: one set of scopes all required, or (scopes_any) each scope alone
        Map<String, Set<Set<String>>> accepted = new java.util.HashMap<>();
        for (Route r : gw.gateway.adminRoutes()) {
            RequireControl require = r.steps().chain().controls().stream().filter(c -> c instanceof RequireControl).map(c -> (RequireControl) c)
                    .findFirst().orElse(null); // null: the route asks for no credential
            Set<Set<String>> alternatives = require == null ? null : !require.scopesAll().isEmpty() ? Set.of(Set.copyOf(require.scopesAll()))
                    : require.scopesAny().stream().map(Set::of).collect(java.util.stream.Collectors.toSet());
            for (String m : r.methods()) accepted.put(m + " " + shape(r.match().path()), alternatives);
        }
        for (Operation op : operations()) {
            String key = op.method().toUpperCase(Locale.ROOT) + " " + shape(op.path());
            JsonNode security = op.node().has("security") ? op.node().get("security") : doc.get("security");
            Set<Set<String>> scopes = accepted.get(key);
            if (scopes == null) {
                assertThat(security).as(key + " is open").isEmpty();
                continue;
            }
            assertThat(security).as(key).isNotEmpty();
            Map<String, Set<Set<String>>> stated = new java.util.HashMap<>();
            for (JsonNode alternative : security) {
                alternative.fields().forEachRemaining(scheme -> {
                    assertThat(doc.path("components").path("securitySchemes").has(scheme.getKey())).as(key).isTrue();
                    Set<String> set = new TreeSet<>();
                    scheme.getValue().forEach(s -> set.add(s.asText()));
                    stated.computeIfAbsent(scheme.getKey(), k -> new java.util.HashSet<>()).add(Set.copyOf(set));
                });
            }
            stated.forEach((scheme, sets) -> assertThat(sets).as(key + " with " + scheme).isEqualTo(scopes));
            // every credential the admin listener authenticates is documented where the route takes credentials
            assertThat(stated.keySet()).as(key).containsExactlyInAnyOrder("apiKey", "bastionToken", "consoleSession");
        }
    }

    @Test
    void aKeyListSatisfiesItsSchema() throws Exception {
        gw.createKey("acme", "invoke");
        HttpResponse<String> r = admin("GET", "/admin/v1/keys", adminKey, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("items").size()).isGreaterThanOrEqualTo(2);
        assertValid("get", "/admin/v1/keys", "200", r);
        HttpResponse<String> byOrg = admin("GET", "/admin/v1/orgs/acme/clients", adminKey, null);
        assertThat(byOrg.statusCode()).isEqualTo(200);
        assertValid("get", "/admin/v1/orgs/{org}/clients", "200", byOrg);
    }

    /** Every read the operator and an org admin make, and the creations, answer as the document says. */
    @Test
    void everyReadAndCreationSatisfiesItsSchema() throws Exception {
        String operator = gw.createKey("platform", "operator");
        String keyId = gw.createKeyRecord("acme", "invoke").record().id();
        String[][] reads = {
                {"/admin/v1/whoami", "/admin/v1/whoami"}, {"/admin/v1/orgs", "/admin/v1/orgs"}, {"/admin/v1/orgs/acme", "/admin/v1/orgs/{org}"},
                {"/admin/v1/tiers", "/admin/v1/tiers"}, {"/admin/v1/keys?org=acme&status=active", "/admin/v1/keys"},
                {"/admin/v1/keys/" + keyId, "/admin/v1/keys/{id}"}, {"/admin/v1/orgs/acme/keys", "/admin/v1/orgs/{org}/keys"},
                {"/admin/v1/clients", "/admin/v1/clients"}, {"/admin/v1/users", "/admin/v1/users"}, {"/admin/v1/audit/events?limit=5", "/admin/v1/audit/events"},
                {"/admin/v1/audit/verify", "/admin/v1/audit/verify"}, {"/admin/v1/posture", "/admin/v1/posture"}, {"/admin/v1/secrets", "/admin/v1/secrets"},
                {"/admin/v1/tokens/keys", "/admin/v1/tokens/keys"}, {"/admin/v1/responses", "/admin/v1/responses"},
                {"/admin/v1/incidents", "/admin/v1/incidents"}, {"/admin/v1/mcp/pins", "/admin/v1/mcp/pins"}, {"/admin/v1/mcp/approvals", "/admin/v1/mcp/approvals"}};
        for (String[] r : reads) {
            HttpResponse<String> answer = admin("GET", r[0], operator, null);
            assertThat(answer.statusCode()).as(r[0] + ": " + answer.body()).isEqualTo(200);
            assertValid("get", r[1], "200", answer);
        }
        HttpResponse<String> key = admin("POST", "/admin/v1/keys", adminKey, "{\"name\":\"doc\",\"scopes\":[\"invoke\"],\"expires_at\":\"2030-01-01T00:00:00Z\"}");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        assertValid("post", "/admin/v1/keys", "201", key);
        HttpResponse<String> client = admin("POST", "/admin/v1/clients", adminKey, "{\"name\":\"doc\",\"scopes\":[\"invoke\"]}");
        assertThat(client.statusCode()).as(client.body()).isEqualTo(201);
        assertValid("post", "/admin/v1/clients", "201", client);
        HttpResponse<String> org = admin("POST", "/admin/v1/orgs", operator, "{\"id\":\"documented\"}");
        assertThat(org.statusCode()).as(org.body()).isEqualTo(201);
        assertValid("post", "/admin/v1/orgs", "201", org);
        HttpResponse<String> revoked = admin("POST", "/admin/v1/keys/" + keyId + "/revoke", operator, null);
        assertValid("post", "/admin/v1/keys/{id}/revoke", "200", revoked);
        HttpResponse<String> rotated = admin("POST", "/admin/v1/tokens/keys/rotate", operator, null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        assertValid("post", "/admin/v1/tokens/keys/rotate", "201", rotated);
    }

    @Test
    void aRevocationSatisfiesItsSchema() throws Exception {
        String victim = gw.createKeyRecord("acme", "invoke").record().id();
        HttpResponse<String> r = admin("POST", "/admin/v1/revocations", adminKey, "{\"kind\":\"key\",\"id\":\"" + victim + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertValid("post", "/admin/v1/revocations", "201", r);
    }

    @Test
    void refusalsSatisfyTheSharedErrorShapeAndLeakNothing() throws Exception {
        refused(401, "get", "/admin/v1/keys", "/admin/v1/keys", null, null);
        String secret = "bst_not-a-real-key-but-a-secret-0123456789";
        assertThat(refused(401, "get", "/admin/v1/keys", "/admin/v1/keys", secret, null)).doesNotContain(secret);
        // the attack the org-addressed list exists to refuse: another org's id
        refused(404, "get", "/admin/v1/orgs/{org}/keys", "/admin/v1/orgs/globex/keys", adminKey, null);
        String body = "{\"kind\":\"pet\",\"id\":\"sensitive-value-42\"}";
        assertThat(refused(400, "post", "/admin/v1/revocations", "/admin/v1/revocations", adminKey, body))
                .doesNotContain("sensitive-value-42").doesNotContain("pet");
        refused(403, "get", "/admin/v1/incidents", "/admin/v1/incidents", adminKey, null);
    }

    @Test
    void theConsoleNumbersSatisfyTheirSchemas() throws Exception {
        String operator = gw.createKey("acme", "admin", "operator");
        gw.send(gw.request("/app/x").header("Authorization", "Bearer " + gw.createKey("acme", "invoke")).GET().build());
        gw.gateway.flushStats();
        for (String path : List.of("/admin/v1/stats/traffic", "/admin/v1/stats/summary", "/admin/v1/usage", "/admin/v1/security/summary", "/admin/v1/upstreams")) {
            HttpResponse<String> r = admin("GET", path, operator, null);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            assertValid("get", path, "200", r);
        }
        HttpResponse<String> budgets = admin("GET", "/admin/v1/budgets", adminKey, null);
        assertThat(budgets.statusCode()).isEqualTo(200);
        assertValid("get", "/admin/v1/budgets", "200", budgets);
        refused(400, "get", "/admin/v1/stats/traffic", "/admin/v1/stats/traffic?step=2m", operator, null);
        refused(404, "get", "/admin/v1/usage", "/admin/v1/usage?org=globex", adminKey, null);
        refused(403, "get", "/admin/v1/upstreams", "/admin/v1/upstreams", adminKey, null);
    }

    /** Sends a request that must be refused with {@code status}; checks the answer against the error schema; its body. */
    private static String refused(int status, String method, String documented, String path, String bearer, String body) throws Exception {
        HttpResponse<String> r = admin(method.toUpperCase(Locale.ROOT), path, bearer, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertValid(method, documented, "default", r);
        return r.body();
    }

    @Test
    void theOpenDocumentOpensNothingElse() throws Exception {
        HttpResponse<String> head = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/openapi.yaml")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        // a path that walks from the open document to a guarded list is refused before routing, never served
        HttpResponse<String> walk = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/openapi.yaml/%2e%2e/keys")).GET().build());
        assertThat(walk.statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/v1/openapi.yaml", null, "{}").statusCode()).isEqualTo(405);
        // the public listener does not serve it
        assertThat(gw.send(gw.request("/admin/v1/openapi.yaml").GET().build()).statusCode()).isEqualTo(404);
    }

    private record Operation(String method, String path, JsonNode node) {}

    /** Every operation the document describes; method in lower case, as the document writes it. */
    private static List<Operation> operations() {
        List<Operation> out = new java.util.ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (String m : METHODS) if (path.getValue().has(m)) out.add(new Operation(m, path.getKey(), path.getValue().get(m)));
        }
        return out;
    }

    /** A path with its parameters unnamed: {@code /a/{id}} and a route's {@code /a/*} (one id segment) alike. */
    private static String shape(String path) {
        return path.replaceAll("\\{[^}/]+}", "{}").replaceAll("/\\*$", "/{}");
    }

    private static HttpResponse<String> admin(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        b = body != null ? b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body))
                : b.method(method, HttpRequest.BodyPublishers.noBody());
        return gw.send(b.build());
    }

    /** Validates the answer against the document's schema of that operation's status, with the document's components. */
    private static void assertValid(String method, String path, String status, HttpResponse<String> r) throws Exception {
        JsonNode response = doc.path("paths").path(path).path(method).path("responses").path(status);
        assertThat(response.isMissingNode()).as(method + " " + path + " " + status + " documented").isFalse();
        if (response.has("$ref")) response = doc.at(response.get("$ref").asText().substring(1));
        JsonNode schema = response.path("content").path("application/json").path("schema");
        assertThat(schema.isMissingNode()).as("a JSON schema for " + method + " " + path + " " + status).isFalse();
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.putArray("allOf").add(schema);
        wrapped.set("components", doc.get("components"));
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(CompiledSchema.compile(JSON.writeValueAsString(wrapped)).validate(INSTANCES.readTree(r.body())))
                .as(method + " " + path + " " + status + ": " + r.body()).isEmpty();
    }
}
