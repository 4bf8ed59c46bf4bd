package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.chain.Verdict.Violation;
import dev.bastion.config.ContractsConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract's decisions without a socket: each keyword family, nesting, the silent limits, the query. */
class RequestContractTest {
    /** A schema in the style of a SaaS API's "create card" request, touching every supported keyword family. */
    static final String CARD = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "required": ["title", "column"],
              "additionalProperties": false,
              "properties": {
                "title": { "type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[^<>]*$" },
                "column": { "enum": ["todo", "doing", "done"] },
                "kind": { "const": "card" },
                "points": { "type": "integer", "minimum": 0, "maximum": 13, "multipleOf": 1 },
                "weight": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
                "labels": { "type": "array", "items": { "type": "string" }, "minItems": 1, "maxItems": 3, "uniqueItems": true },
                "pair": { "type": "array", "prefixItems": [ { "type": "string" }, { "type": "integer" } ], "items": false },
                "owner": { "$ref": "#/$defs/user" },
                "due": { "type": "string", "format": "date" },
                "contact": { "type": "string", "format": "email" },
                "estimate": { "allOf": [ { "type": "integer" }, { "minimum": 1 } ] },
                "link": { "anyOf": [ { "type": "string", "format": "uri" }, { "type": "null" } ] },
                "ref": { "oneOf": [ { "type": "integer" }, { "type": "string", "maxLength": 3 } ] },
                "status": { "not": { "const": "deleted" } },
                "meta": { "type": "object", "minProperties": 1, "maxProperties": 2 }
              },
              "$defs": {
                "user": { "type": "object", "required": ["id"], "properties": { "id": { "type": "string", "minLength": 3 },
                          "team": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" } } } } }
              }
            }
            """;

    static final ContractsConfig LIMITS = new ContractsConfig(5, 4, 64);
    static final RequestContract CONTRACT = new RequestContract(CompiledSchema.compile(CARD), null, LIMITS);

    static RequestContract.Result post(RequestContract c, String json) {
        return c.check("POST", "application/json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    static Stream<Arguments> violations() {
        String base = "\"title\":\"t\",\"column\":\"todo\"";
        return Stream.of(
                Arguments.of("type: a string where an object is", "\"x\"", "", "type"),
                Arguments.of("required: title missing", "{\"column\":\"todo\"}", "/title", "required"),
                Arguments.of("additionalProperties: an unknown field", "{" + base + ",\"admin\":true}", "/admin", "additionalProperties"),
                Arguments.of("enum", "{\"title\":\"t\",\"column\":\"SECRET-enum\"}", "/column", "enum"),
                Arguments.of("const", "{" + base + ",\"kind\":\"SECRET-const\"}", "/kind", "const"),
                Arguments.of("type: integer given a fraction", "{" + base + ",\"points\":1.5}", "/points", "type"),
                Arguments.of("minimum", "{" + base + ",\"points\":-1}", "/points", "minimum"),
                Arguments.of("maximum", "{" + base + ",\"points\":14}", "/points", "maximum"),
                Arguments.of("exclusiveMinimum: just at it", "{" + base + ",\"weight\":0}", "/weight", "exclusiveMinimum"),
                Arguments.of("exclusiveMaximum: just at it", "{" + base + ",\"weight\":1}", "/weight", "exclusiveMaximum"),
                Arguments.of("minLength", "{\"title\":\"\",\"column\":\"todo\"}", "/title", "minLength"),
                Arguments.of("maxLength: just over", "{\"title\":\"SECRET-abcdefghijklmn\",\"column\":\"todo\"}", "/title", "maxLength"),
                Arguments.of("pattern", "{\"title\":\"<SECRET>\",\"column\":\"todo\"}", "/title", "pattern"),
                Arguments.of("items", "{" + base + ",\"labels\":[\"a\",7]}", "/labels/1", "type"),
                Arguments.of("minItems", "{" + base + ",\"labels\":[]}", "/labels", "minItems"),
                Arguments.of("maxItems", "{" + base + ",\"labels\":[\"a\",\"b\",\"c\",\"d\"]}", "/labels", "maxItems"),
                Arguments.of("uniqueItems", "{" + base + ",\"labels\":[\"a\",\"a\"]}", "/labels", "uniqueItems"),
                Arguments.of("prefixItems", "{" + base + ",\"pair\":[1,1]}", "/pair/0", "type"),
                Arguments.of("items: false after prefixItems", "{" + base + ",\"pair\":[\"a\",1,2]}", "/pair", "items"),
                Arguments.of("$ref/$defs", "{" + base + ",\"owner\":{\"id\":\"ab\"}}", "/owner/id", "minLength"),
                Arguments.of("nested required through $ref", "{" + base + ",\"owner\":{\"id\":\"abc\",\"team\":{}}}", "/owner/team/name", "required"),
                Arguments.of("format: date", "{" + base + ",\"due\":\"2026-13-45\"}", "/due", "format"),
                Arguments.of("format: email", "{" + base + ",\"contact\":\"SECRET-not-an-email\"}", "/contact", "format"),
                Arguments.of("allOf", "{" + base + ",\"estimate\":0}", "/estimate", "minimum"),
                // anyOf names what every branch found wrong (here, the type), at the same pointer
                Arguments.of("anyOf", "{" + base + ",\"link\":5}", "/link", "type"),
                Arguments.of("oneOf: matches none", "{" + base + ",\"ref\":\"SECRET-long\"}", "/ref", "oneOf"),
                Arguments.of("not", "{" + base + ",\"status\":\"deleted\"}", "/status", "not"),
                Arguments.of("minProperties", "{" + base + ",\"meta\":{}}", "/meta", "minProperties"),
                Arguments.of("maxProperties", "{" + base + ",\"meta\":{\"a\":1,\"b\":2,\"c\":3}}", "/meta", "maxProperties"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void eachKeywordFamilyIsReportedByPointerAndKeyword(String name, String body, String pointer, String keyword) {
        RequestContract.Result r = post(CONTRACT, body);
        assertThat(r.violations()).as(name).contains(new Violation(pointer, keyword));
        // Whatever the value was, the answer names where and which rule, not what.
        assertThat(r.violations().toString()).doesNotContain("SECRET");
    }

    @Test
    void aRequestThatSatisfiesEveryKeywordPasses() {
        RequestContract.Result r = post(CONTRACT, """
                {"title":"Ship it","column":"doing","kind":"card","points":5,"weight":0.5,"labels":["a","b"],"pair":["x",1],
                 "owner":{"id":"u-1","team":{"name":"core"}},"due":"2026-12-07","contact":"a@example.com","estimate":3,
                 "link":null,"ref":"abc","status":"open","meta":{"a":1}}""");
        assertThat(r.violations()).isEmpty();
        assertThat(r.body().path("owner").path("team").path("name").asString()).isEqualTo("core");
    }

    @Test
    void severalViolationsAreAllNamed() {
        RequestContract.Result r = post(CONTRACT, "{\"title\":\"\",\"column\":\"nope\",\"points\":99}");
        assertThat(r.violations()).contains(new Violation("/title", "minLength"), new Violation("/column", "enum"), new Violation("/points", "maximum"));
    }

    @Test
    void theSilentLimitsHoldWhereTheSchemaSaysNothing() {
        RequestContract open = new RequestContract(CompiledSchema.compile("{\"type\":\"object\"}"), null, LIMITS);
        // depth 5 is allowed (max_depth 5), 6 is not
        assertThat(post(open, "{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}").violations()).isEmpty();
        assertThat(post(open, "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":[]}}}}}").violations()).containsExactly(new Violation("/a/b/c/d/e", "max_depth"));
        assertThat(post(open, "{\"list\":[1,2,3,4]}").violations()).isEmpty();
        assertThat(post(open, "{\"list\":[1,2,3,4,5]}").violations()).containsExactly(new Violation("/list", "max_array_items"));
        assertThat(post(open, "{\"s\":\"" + "x".repeat(64) + "\"}").violations()).isEmpty();
        assertThat(post(open, "{\"s\":\"" + "x".repeat(65) + "\"}").violations()).containsExactly(new Violation("/s", "max_string_length"));
        assertThat(post(open, "{\"" + "k".repeat(65) + "\":1}").violations()).extracting(Violation::keyword).containsExactly("max_string_length");
    }

    @Test
    void farOversizedInputsAreStoppedByTheParserWithoutEchoingThem() {
        RequestContract open = new RequestContract(CompiledSchema.compile("true"), null, LIMITS);
        assertThat(post(open, "[".repeat(10_000) + "]".repeat(10_000)).violations()).containsExactly(new Violation("", "max_depth"));
        String huge = "SECRET".repeat(200_000);
        RequestContract.Result r = post(open, "{\"s\":\"" + huge + "\"}");
        assertThat(r.violations()).containsExactly(new Violation("", "max_string_length"));
        assertThat(post(open, "[" + "1,".repeat(100_000) + "1]").violations()).containsExactly(new Violation("", "max_array_items"));
    }

    @Test
    void malformedJsonAndDuplicateKeysAreViolationsOfTheWhole() {
        assertThat(post(CONTRACT, "{\"title\":").violations()).containsExactly(new Violation("", "json"));
        // Which "column" counts is the upstream parser's choice: refuse both.
        assertThat(post(CONTRACT, "{\"title\":\"t\",\"column\":\"todo\",\"column\":\"SECRET\"}").violations()).containsExactly(new Violation("", "json"));
    }

    @Test
    void aMissingOrNonJsonBodyIsRefusedWhereTheContractExpectsOne() {
        assertThat(CONTRACT.check("POST", "application/json", null, null).violations()).containsExactly(new Violation("", "required"));
        assertThat(CONTRACT.check("POST", "application/x-www-form-urlencoded", "title=t".getBytes(), null).violations())
                .containsExactly(new Violation("", "content_type"));
        assertThat(CONTRACT.check("GET", null, null, null).violations()).as("a GET has no body to hold").isEmpty();
        assertThat(CONTRACT.check("POST", "application/merge-patch+json", "{\"title\":\"t\",\"column\":\"todo\"}".getBytes(), null).violations()).isEmpty();
    }

    static final RequestContract QUERY = new RequestContract(null, CompiledSchema.compile("""
            {"type":"object","additionalProperties":false,"required":["board"],
             "properties":{"board":{"type":"string","pattern":"^b-[0-9]+$"},"limit":{"type":"integer","minimum":1,"maximum":100},
                           "archived":{"type":"boolean"},"tag":{"type":"array","items":{"type":"string"},"maxItems":2}}}"""), LIMITS);

    static List<Violation> query(String q) {
        return QUERY.check("GET", null, null, q).violations();
    }

    @Test
    void queryParametersAreCoercedToTheirSchemaTypesAndHeldToThem() {
        assertThat(query("board=b-1&limit=10&archived=true&tag=a&tag=b")).isEmpty();
        assertThat(query("board=b-1&limit=0")).containsExactly(new Violation("/limit", "minimum"));
        assertThat(query("board=b-1&limit=SECRET")).containsExactly(new Violation("/limit", "type"));
        assertThat(query("board=b-1&archived=yes")).containsExactly(new Violation("/archived", "type"));
        assertThat(query("board=b-1&tag=a&tag=b&tag=c")).containsExactly(new Violation("/tag", "maxItems"));
        assertThat(query("limit=5")).containsExactly(new Violation("/board", "required"));
        assertThat(query("board=x%3Cscript%3E")).containsExactly(new Violation("/board", "pattern"));
        assertThat(query("board=b-1&debug=1")).containsExactly(new Violation("/debug", "additionalProperties"));
        assertThat(query(null)).containsExactly(new Violation("/board", "required"));
    }

    @Test
    void aParameterGivenTwiceWhereTheSchemaSaysOneIsRefused() {
        assertThat(query("board=b-1&board=b-2")).containsExactly(new Violation("/board", "duplicate"));
        assertThat(query("board=%ZZ")).containsExactly(new Violation("", "query_encoding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSchemas")
    void aBrokenSchemaIsRefusedWhenCompiled(String name, String schema) {
        assertThatThrownBy(() -> CompiledSchema.compile(schema)).as(name).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> brokenSchemas() {
        return Stream.of(
                Arguments.of("not JSON", "{type:"),
                Arguments.of("an unknown type", "{\"type\":\"strnig\"}"),
                Arguments.of("required not an array", "{\"required\":\"title\"}"),
                Arguments.of("minLength negative", "{\"minLength\":-1}"),
                Arguments.of("a $ref to nowhere inside", "{\"$ref\":\"#/$defs/missing\"}"),
                Arguments.of("a $ref that would need the network", "{\"$ref\":\"http://127.0.0.1:9/schema.json\"}"));
    }
}
