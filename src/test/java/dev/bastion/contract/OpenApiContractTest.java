package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.chain.Verdict.Violation;
import dev.bastion.config.ConfigException;
import dev.bastion.config.ConfigLoader;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A realistic OpenAPI 3.1 document (src/test/resources/contract/boards-openapi.yaml: $refs to components, a
 * request body by $ref, path-level and shared parameters, a body type with parameters) imported as route contracts.
 */
class OpenApiContractTest {
    static final String DOC = Path.of("src/test/resources/contract/boards-openapi.yaml").toAbsolutePath().toString();
    static TestGateway gw;
    static String key;
    static volatile String board = "{}";

    static String routes(String contract) {
        return TestGateway.config("""
                  - id: boards.route
                    match: { methods: [GET, POST], path: /boards/* }
                    upstream: app
                    public: true
                    contract: %s
                """.formatted(contract));
    }

    static Contracts load(String contract) {
        return Contracts.compile(new ConfigLoader().parse(routes(contract).replace("{{upstream}}", "http://127.0.0.1:1")
                .replace("{{store}}", "sqlite::memory:"), "test.yaml"));
    }

    static List<Violation> check(Contracts c, String method, String body, String query) {
        return c.forRoute("boards.route").check(method, "application/json", body == null ? null : body.getBytes(StandardCharsets.UTF_8), query).violations();
    }

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: cards.create
                    match: { methods: [POST], path: /boards/* }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract: { openapi: { file: "%1$s", operation_id: createCard } }
                  - id: boards.create
                    match: { methods: [POST], path: /boards }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract:
                      openapi: { file: "%1$s", operation_id: createBoard }
                      response: { mode: detect }
                  - id: boards.api
                    match: { methods: [GET, POST], path: /v2/* }
                    upstream: app
                    auth: { methods: [api_key] }
                    contract: { openapi: { file: "%1$s" } }
                """.formatted(DOC)));
        gw.upstream.behave(req -> {
            if (req.path().equals("/boards")) req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(board);
            else dev.bastion.testing.StubUpstream.echoJson(req);
        });
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void anOperationsRequestBodyByRefBecomesTheBodyContract() {
        Contracts c = load("{ openapi: { file: \"" + DOC + "\", operation_id: createCard } }");
        assertThat(check(c, "POST", "{\"title\":\"Drain before stop\",\"column\":\"doing\",\"assignee\":\"usr_0123456789\",\"points\":5,"
                + "\"checklist\":[{\"text\":\"a\",\"done\":true}],\"description\":null}", null)).isEmpty();
        assertThat(check(c, "POST", "{\"title\":\"t\",\"column\":\"archived\"}", null)).containsExactly(new Violation("/column", "enum"));
        assertThat(check(c, "POST", "{\"title\":\"t\",\"column\":\"todo\",\"points\":4}", null)).containsExactly(new Violation("/points", "enum"));
        assertThat(check(c, "POST", "{\"title\":\"t\",\"column\":\"todo\",\"assignee\":\"root\"}", null)).containsExactly(new Violation("/assignee", "pattern"));
        assertThat(check(c, "POST", "{\"column\":\"todo\",\"owner_override\":1}", null))
                .contains(new Violation("/title", "required"), new Violation("/owner_override", "additionalProperties"));
        assertThat(check(c, "POST", "{\"title\":\"t\",\"column\":\"todo\",\"checklist\":[{\"done\":true}]}", null))
                .containsExactly(new Violation("/checklist/0/text", "required"));
        assertThat(check(c, "POST", null, null)).as("requestBody.required: true").containsExactly(new Violation("", "required"));
    }

    @Test
    void sharedAndPathLevelQueryParametersBecomeTheQueryContract() {
        Contracts c = load("{ openapi: { file: \"" + DOC + "\", path: \"/boards/{boardId}/cards\", method: get } }");
        assertThat(check(c, "GET", null, "column=todo&limit=10&label=a&label=b")).isEmpty();
        assertThat(check(c, "GET", null, "limit=10")).containsExactly(new Violation("/column", "required"));
        assertThat(check(c, "GET", null, "column=todo&limit=101")).containsExactly(new Violation("/limit", "maximum"));
        assertThat(check(c, "GET", null, "column=todo&limit=ten")).containsExactly(new Violation("/limit", "type"));
        assertThat(check(c, "GET", null, "column=todo&label=1&label=2&label=3&label=4&label=5&label=6")).containsExactly(new Violation("/label", "maxItems"));
        assertThat(check(c, "GET", null, "column=todo&column=done")).containsExactly(new Violation("/column", "duplicate"));
        // Path and header parameters are the router's and the headers' business, not the query's.
        assertThat(check(c, "GET", null, "column=todo&boardId=x")).isEmpty();
    }

    @Test
    void aBodyTypeWithParametersAndAnOptionalBodyAreUnderstood() {
        Contracts comment = load("{ openapi: { file: \"" + DOC + "\", operation_id: addComment } }");
        assertThat(check(comment, "POST", "{\"body\":\"LGTM\",\"mentions\":[\"usr_abcdefghij\"]}", "notify=true")).isEmpty();
        assertThat(check(comment, "POST", "{\"body\":\"\"}", "notify=maybe"))
                .containsExactlyInAnyOrder(new Violation("/notify", "type"), new Violation("/body", "minLength"));
        Contracts list = load("{ openapi: { file: \"" + DOC + "\", operation_id: listBoards } }");
        assertThat(check(list, "GET", null, "archived=true&sort=name&cursor=abc")).isEmpty();
        assertThat(check(list, "GET", null, "sort=size")).containsExactly(new Violation("/sort", "enum"));
    }

    @Test
    void anUnknownOperationOrAnOlderDocumentIsAConfigError() throws Exception {
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", operation_id: deleteEverything } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'boards.route': contract.openapi.operation_id: 'deleteEverything'");
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", path: /nowhere, method: post } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("/nowhere");
        Path v30 = Files.createTempFile("openapi30", ".yaml");
        try {
            Files.writeString(v30, Files.readString(Path.of(DOC)).replace("openapi: 3.1.0", "openapi: 3.0.3"));
            assertThatThrownBy(() -> load("{ openapi: { file: \"" + v30 + "\", operation_id: createCard } }"))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("3.1");
        } finally {
            Files.deleteIfExists(v30);
        }
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", operation_id: createCard }, body: { schema: { type: object } } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("leave them out");
    }

    @Test
    void throughTheGatewayTheImportedContractRefusesWithPointersAndForwardsWhatHolds() throws Exception {
        int before = gw.upstream.seen().size();
        HttpResponse<String> ok = gw.postJson("/boards/brd_0123456789/cards", key, "{\"title\":\"Ship\",\"column\":\"todo\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        HttpResponse<String> bad = gw.postJson("/boards/brd_0123456789/cards", key, "{\"title\":\"Ship\",\"column\":\"SECRET-column\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonObject error = new JsonObject(bad.body()).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("request_invalid");
        assertThat(error.getJsonArray("violations").getJsonObject(0).getMap()).containsEntry("pointer", "/column").containsEntry("keyword", "enum");
        assertThat(bad.body()).doesNotContain("SECRET");
        assertThat(gw.upstream.seen()).hasSize(before + 1);
    }

    @Test
    void aWholeDocumentStripsTheServersPathAndValidatesPathParameters() throws Exception {
        HttpResponse<String> ok = gw.get("/v2/boards/brd_0123456789/cards?column=todo", key);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/v2/boards/brd_0123456789/cards?column=todo");
        HttpResponse<String> bad = gw.get("/v2/boards/SECRET/cards?column=todo", key);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getJsonObject("error").getJsonArray("violations").getJsonObject(0).getMap())
                .containsEntry("pointer", "/boardId").containsEntry("keyword", "pattern");
        assertThat(bad.body()).doesNotContain("SECRET");
        HttpResponse<String> both = gw.postJson("/v2/boards/brd_0123456789/cards?x=1", key, "{\"title\":\"t\"}");
        assertThat(new JsonObject(both.body()).getJsonObject("error").getJsonArray("violations").getJsonObject(0).getMap())
                .containsEntry("pointer", "/column").containsEntry("keyword", "required");
        assertThat(gw.get("/v2/health", key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/v2/boardsX", key).statusCode()).isEqualTo(404);
    }

    @Test
    void aSingleOperationsDocumentedAnswerIsCheckedInDetectMode() throws Exception {
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            board = "{\"name\":\"Roadmap\",\"owner_email\":\"SECRET@example.com\"}";
            HttpResponse<String> r = gw.postJson("/boards", key, "{\"name\":\"Roadmap\"}");
            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.body()).isEqualTo(board);
            dev.bastion.testing.Eventually.until("the mismatch is logged", () -> logs.lines().stream().anyMatch(l -> l.contains("response schema")));
            String line = logs.lines().stream().filter(l -> l.contains("response schema")).findFirst().orElseThrow();
            assertThat(line).contains("boards.create").contains("createBoard").contains("201").contains("/id required").doesNotContain("SECRET");
        }
    }

    @Test
    void misplacedOrMissingSettingsAreConfigErrors() {
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", operation_id: createCard, base_path: /v2 } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("only for a whole document");
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", base_path: v2/ } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("base_path");
        assertThatThrownBy(() -> load("{ response: { mode: detect } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema or schema_file missing");
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", operation_id: createCard }, response: { mode: detect, schema: { type: object } } }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("leave it out");
        assertThatThrownBy(() -> load("{ openapi: { file: \"" + DOC + "\", undocumented: maybe } }")).isInstanceOf(ConfigException.class);
        assertThat(load("{ openapi: { file: \"" + DOC + "\", undocumented: allow, base_path: / } }").control("boards.route",
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())).isNotNull();
    }
}
