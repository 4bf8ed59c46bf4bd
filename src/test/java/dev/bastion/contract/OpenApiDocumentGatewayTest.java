package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole published OpenAPI 3.1 document — the Swagger Petstore as shipped by {@code @readme/oas-examples}
 * (src/test/resources/contract/petstore-openapi.yaml, unchanged) — as a route's contract, through a real gateway:
 * each request is held to the operation its method and path select, below the document's {@code servers} path.
 */
class OpenApiDocumentGatewayTest {
    static final String PETSTORE = Path.of("src/test/resources/contract/petstore-openapi.yaml").toAbsolutePath().toString();
    static TestGateway gw;
    static String key;
    /** The upstream's answers by path: status and JSON body; any other path gets the stub's echo. */
    static final Map<String, Map.Entry<Integer, String>> answers = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: petstore
                    match: { methods: [GET, HEAD, POST, PUT, PATCH, DELETE], path: /v2/* }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract:
                      openapi: { file: "%1$s" }    # base path /v2, from servers[0].url
                      response: { mode: detect }   # the operations' responses give the schemas
                  - id: petstore.lenient
                    match: { methods: [GET, POST], path: /lenient/* }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract:
                      openapi: { file: "%1$s", base_path: /lenient, undocumented: allow }
                  - id: elsewhere
                    match: { methods: [GET], path: /elsewhere }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(PETSTORE)));
        gw.upstream.behave(req -> {
            Map.Entry<Integer, String> a = answers.get(req.path());
            if (a == null) {
                dev.bastion.testing.StubUpstream.echoJson(req);
            } else {
                req.response().setStatusCode(a.getKey()).putHeader("Content-Type", "application/json").end(a.getValue());
            }
        });
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = gw.request(path).header("Authorization", "Bearer " + key);
        if (json == null) b.method(method, HttpRequest.BodyPublishers.noBody());
        else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return gw.send(b.build());
    }

    static JsonObject contractOf(HttpResponse<String> r) throws Exception {
        return new JsonObject(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).getJsonObject("contract");
    }

    static List<Map<String, Object>> violations(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("request_invalid");
        assertThat(error.getString("request_id")).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        JsonArray v = error.getJsonArray("violations");
        return v.stream().map(o -> ((JsonObject) o).getMap()).toList();
    }

    static double metric(String name, String route, String extra) throws Exception {
        String body = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{" + extra + "[^}]*route=\"" + Pattern.quote(route) + "\"[^}]*} ([0-9.E]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void validRequestsReachTheirOperationsAndConcretePathsWinOverTemplates() throws Exception {
        int before = gw.upstream.seen().size();
        HttpResponse<String> byStatus = send("GET", "/v2/pet/findByStatus?status=available&status=sold", null);
        assertThat(byStatus.statusCode()).isEqualTo(200);
        // /pet/{petId} would have refused "findByStatus" as not an integer: the concrete path won.
        assertThat(contractOf(byStatus).getMap()).containsEntry("result", "valid").containsEntry("operation", "findPetsByStatus");

        HttpResponse<String> pet = send("GET", "/v2/pet/7", null);
        assertThat(pet.statusCode()).isEqualTo(200);
        assertThat(contractOf(pet).getString("operation")).isEqualTo("getPetById");
        assertThat(gw.upstream.last().uri()).as("forwarded as received, base path and all").isEqualTo("/v2/pet/7");

        HttpResponse<String> add = send("POST", "/v2/pet", "{\"name\":\"Rex\",\"photoUrls\":[\"https://img.example/rex.jpg\"],"
                + "\"category\":{\"id\":1,\"name\":\"dogs\"},\"tags\":[{\"id\":2,\"name\":\"good\"}],\"status\":\"available\"}");
        assertThat(add.statusCode()).isEqualTo(200);
        assertThat(contractOf(add).getString("operation")).isEqualTo("addPet");

        HttpResponse<String> order = send("POST", "/v2/store/order", "{\"petId\":7,\"quantity\":1,\"shipDate\":\"2026-12-24T10:00:00Z\",\"status\":\"placed\"}");
        assertThat(order.statusCode()).isEqualTo(200);
        HttpResponse<String> login = send("GET", "/v2/user/login?username=jane&password=pw", null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(contractOf(login).getString("operation")).isEqualTo("loginUser");
        HttpResponse<String> user = send("GET", "/v2/user/jane", null);
        assertThat(contractOf(user).getString("operation")).isEqualTo("getUserByName");
        HttpResponse<String> head = send("HEAD", "/v2/store/inventory", null);
        assertThat(head.statusCode()).as("HEAD is held to the path's GET").isEqualTo(200);
        assertThat(gw.upstream.seen()).hasSize(before + 7);
    }

    @Test
    void eachKindOfViolationIsRefusedWithItsPointerAndNeverItsValue() throws Exception {
        int before = gw.upstream.seen().size();
        // path parameter: type, and bounds
        HttpResponse<String> notInt = send("GET", "/v2/pet/SECRET-petid", null);
        assertThat(violations(notInt)).containsExactly(Map.of("pointer", "/petId", "keyword", "type"));
        assertThat(notInt.body()).doesNotContain("SECRET");
        assertThat(contractOf(notInt).getMap()).containsEntry("result", "invalid").containsEntry("operation", "getPetById");
        assertThat(violations(send("GET", "/v2/store/order/11", null))).containsExactly(Map.of("pointer", "/orderId", "keyword", "maximum"));
        // query: an item outside its enum, a missing required parameter
        HttpResponse<String> lost = send("GET", "/v2/pet/findByStatus?status=available&status=SECRET-status", null);
        assertThat(violations(lost)).containsExactly(Map.of("pointer", "/status/1", "keyword", "enum"));
        assertThat(lost.body()).doesNotContain("SECRET");
        assertThat(violations(send("GET", "/v2/user/login?username=jane", null))).containsExactly(Map.of("pointer", "/password", "keyword", "required"));
        // body: required, enum, type deep inside, a required body missing
        HttpResponse<String> bad = send("POST", "/v2/pet", "{\"name\":\"Rex\",\"status\":\"SECRET-status\",\"tags\":[{\"id\":\"SECRET-id\"}]}");
        assertThat(violations(bad)).containsExactlyInAnyOrder(Map.of("pointer", "/photoUrls", "keyword", "required"),
                Map.of("pointer", "/status", "keyword", "enum"), Map.of("pointer", "/tags/0/id", "keyword", "type"));
        assertThat(bad.body()).doesNotContain("SECRET");
        assertThat(gw.accessLine(bad.headers().firstValue("X-Request-Id").orElseThrow())).doesNotContain("SECRET");
        assertThat(violations(send("PUT", "/v2/user/jane", null))).containsExactly(Map.of("pointer", "", "keyword", "required"));
        assertThat(violations(send("POST", "/v2/store/order", "{\"shipDate\":\"next tuesday\"}")))
                .containsExactly(Map.of("pointer", "/shipDate", "keyword", "format"));
        // addPet also takes XML, which Bastion cannot check: refused rather than forwarded unchecked.
        HttpResponse<String> xml = gw.send(gw.request("/v2/pet").header("Authorization", "Bearer " + key).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<Pet><name>Rex</name></Pet>")).build());
        assertThat(violations(xml)).containsExactly(Map.of("pointer", "", "keyword", "content_type"));
        assertThat(gw.upstream.seen()).as("no refused request went upstream").hasSize(before);
        // updatePetWithForm documents only a form: its body goes on unchecked, its path parameter is still held.
        HttpResponse<String> form = gw.send(gw.request("/v2/pet/7").header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("name=Rex&status=sold")).build());
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        assertThat(contractOf(form).getString("operation")).isEqualTo("updatePetWithForm");
        assertThat(violations(gw.send(gw.request("/v2/pet/x").header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("name=Rex")).build())))
                .containsExactly(Map.of("pointer", "/petId", "keyword", "type"));
    }

    @Test
    void anUndocumentedPathIsTheRoutersNotFoundAndAnUndocumentedMethodA405WithAllow() throws Exception {
        int before = gw.upstream.seen().size();
        HttpResponse<String> unknown = send("GET", "/v2/pets/7", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> unrouted = send("GET", "/nowhere", null);
        JsonObject a = new JsonObject(unknown.body()).getJsonObject("error");
        JsonObject b = new JsonObject(unrouted.body()).getJsonObject("error");
        assertThat(a.getString("code")).isEqualTo("route_not_found");
        assertThat(a.getString("message")).as("indistinguishable from a path no route covers").isEqualTo(b.getString("message"));
        assertThat(a.getString("request_id")).isEqualTo(unknown.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(contractOf(unknown).getString("result")).isEqualTo("undocumented");
        assertThat(gw.get("/v2/pets/7", null).statusCode()).as("credentials first: the contract is one of the route's steps").isEqualTo(401);
        assertThat(send("GET", "/v2/pet/7/extra", null).statusCode()).as("one segment too many").isEqualTo(404);
        assertThat(send("GET", "/v2/pet/", null).statusCode()).as("an empty segment is no petId").isEqualTo(404);

        HttpResponse<String> patch = send("PATCH", "/v2/pet/7", "{}");
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(new JsonObject(patch.body()).getJsonObject("error").getString("code")).isEqualTo("method_not_allowed");
        assertThat(patch.headers().firstValue("Allow")).hasValue("GET, HEAD, POST, DELETE");
        assertThat(gw.upstream.seen()).hasSize(before);
    }

    @Test
    void segmentParametersDoNotSlipARequestPastItsOperation() throws Exception {
        // A Java upstream serves /pet;x=1/abc as /pet/abc: it is getPetById's request, and "abc" is no integer.
        assertThat(violations(send("GET", "/v2/pet;x=1/abc", null))).containsExactly(Map.of("pointer", "/petId", "keyword", "type"));
        assertThat(violations(send("GET", "/lenient/pet/abc;jsessionid=1", null))).containsExactly(Map.of("pointer", "/petId", "keyword", "type"));
    }

    @Test
    void withUndocumentedAllowAnUnknownPathIsForwardedAndCounted() throws Exception {
        double before = metric("bastion_contract_requests_total", "petstore.lenient", "result=\"undocumented\"");
        HttpResponse<String> r = send("GET", "/lenient/admin/export?all=1", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/lenient/admin/export?all=1");
        assertThat(contractOf(r).getString("result")).isEqualTo("undocumented");
        assertThat(metric("bastion_contract_requests_total", "petstore.lenient", "result=\"undocumented\"")).isEqualTo(before + 1);
        // Documented paths under it are still held to their operation.
        assertThat(send("GET", "/lenient/pet/findByStatus?status=available", null).statusCode()).isEqualTo(200);
        assertThat(violations(send("POST", "/lenient/pet", "{\"name\":1,\"photoUrls\":[]}"))).containsExactly(Map.of("pointer", "/name", "keyword", "type"));
        // An undocumented request is still held to the limits every contract holds bodies to.
        assertThat(violations(send("POST", "/lenient/upload", "[".repeat(40) + "]".repeat(40)))).containsExactly(Map.of("pointer", "", "keyword", "max_depth"));
    }

    @Test
    void anAnswerThatBreaksItsDocumentedSchemaIsCountedAndLoggedWithoutItsValue() throws Exception {
        double mismatch = metric("bastion_contract_response_mismatch_total", "petstore", "");
        double checked = metric("bastion_contract_response_checked_total", "petstore", "");
        answers.put("/v2/pet/8", Map.entry(200, "{\"id\":8,\"name\":\"Rex\",\"photoUrls\":[],\"status\":\"SECRET-status\"}"));
        answers.put("/v2/pet/9", Map.entry(200, "{\"id\":9,\"name\":\"Rex\",\"photoUrls\":[\"a\"],\"status\":\"sold\"}"));
        answers.put("/v2/pet/10", Map.entry(404, "{\"detail\":\"SECRET no such pet\"}"));
        answers.put("/v2/store/inventory", Map.entry(200, "{\"available\":3,\"sold\":\"SECRET-count\"}"));
        try (LogCapture logs = LogCapture.capture()) {
            HttpResponse<String> leaked = send("GET", "/v2/pet/8", null);
            assertThat(leaked.statusCode()).as("detect mode never blocks").isEqualTo(200);
            assertThat(leaked.body()).contains("SECRET-status");
            assertThat(send("GET", "/v2/pet/9", null).statusCode()).isEqualTo(200);
            // 404 has no schema in the document (and no default): not checked.
            assertThat(send("GET", "/v2/pet/10", null).statusCode()).isEqualTo(404);
            assertThat(send("GET", "/v2/store/inventory", null).statusCode()).isEqualTo(200);
            Eventually.until("both mismatches counted", () -> metric("bastion_contract_response_mismatch_total", "petstore", "") == mismatch + 2);
            Eventually.until("three answers checked", () -> metric("bastion_contract_response_checked_total", "petstore", "") == checked + 3);
            List<String> lines = logs.lines().stream().filter(l -> l.contains("response schema")).toList();
            assertThat(lines).hasSize(2);
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("getPetById").contains("/status enum"))
                    .anySatisfy(l -> assertThat(l).contains("getInventory").contains("/sold type"));
            assertThat(String.join("\n", lines)).doesNotContain("SECRET");
        } finally {
            answers.clear();
        }
    }
}
