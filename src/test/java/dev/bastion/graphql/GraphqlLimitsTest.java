package dev.bastion.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bastion.config.ByteSize;
import dev.bastion.config.GraphqlConfig;
import dev.bastion.graphql.GraphqlLimits.Code;
import dev.bastion.graphql.GraphqlLimits.Ok;
import dev.bastion.graphql.GraphqlLimits.Refusal;
import dev.bastion.graphql.GraphqlLimits.Result;
import dev.bastion.testing.Scaling;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * W7: the GraphQL limits as pure logic. Every refusal is checked for its code and for a message that
 * carries none of the request's content: test documents name things "canary", which must never appear.
 */
class GraphqlLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static GraphqlConfig config(Integer depth, Integer aliases, Integer fields, Integer complexity) {
        return new GraphqlConfig(depth, aliases, fields, complexity, null, null, null, null);
    }

    static GraphqlLimits limits(GraphqlConfig c) {
        return new GraphqlLimits(c, false);
    }

    static final GraphqlLimits DEFAULTS = limits(GraphqlConfig.DEFAULTS);

    /** {@code {canary{canary{…b…}}}}: exactly {@code n} levels of fields. */
    static String nested(int n) {
        return "{" + "canary{".repeat(n - 1) + "b" + "}".repeat(n - 1) + "}";
    }

    static String fields(int n, String prefix) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) sb.append(' ').append(prefix).append(i);
        return sb.append(" }").toString();
    }

    static String aliases(int n) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) sb.append(" a").append(i).append(": canary");
        return sb.append(" }").toString();
    }

    static Ok ok(Result r) {
        assertThat(r).as("%s", r).isInstanceOf(Ok.class);
        return (Ok) r;
    }

    /** The refusal, checked for its code and for a message that echoes nothing of the request. */
    static Refusal refused(Result r, Code code, String document) {
        assertThat(r).as("%s", r).isInstanceOf(Refusal.class);
        Refusal refusal = (Refusal) r;
        assertThat(refusal.code()).as(refusal.message()).isEqualTo(code);
        assertThat(refusal.message()).isNotBlank().hasSizeLessThan(200);
        assertThat(refusal.message().toLowerCase(Locale.ROOT)).doesNotContain("canary");
        if (document != null && document.length() > 3) assertThat(refusal.message()).doesNotContain(document);
        return refusal;
    }

    static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> request(String query) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", query);
        return m;
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- each limit: at the limit passes, one over is refused

    static Stream<Arguments> limitCases() {
        String spread50 = "{" + " ...F".repeat(50) + " } fragment F on Query { canary b c }";
        return Stream.of(
                Arguments.of("depth at the default limit (10)", GraphqlConfig.DEFAULTS, nested(10), null),
                Arguments.of("depth one over the default", GraphqlConfig.DEFAULTS, nested(11), Code.TOO_DEEP),
                Arguments.of("depth 3 at a limit of 3", config(3, null, null, null), nested(3), null),
                Arguments.of("depth 4 over a limit of 3", config(3, null, null, null), nested(4), Code.TOO_DEEP),
                Arguments.of("depth counts through a fragment", config(3, null, null, null),
                        "{ canary { ...F } } fragment F on T { b { c } }", null),
                Arguments.of("depth through a fragment, one over", config(2, null, null, null),
                        "{ canary { ...F } } fragment F on T { b { c } }", Code.TOO_DEEP),
                Arguments.of("inline fragments add no level", config(2, null, null, null),
                        "{ canary { ... on T { ... on U { b } } } }", null),
                Arguments.of("depth 10 with an inline fragment at every level and a deep input value", GraphqlConfig.DEFAULTS,
                        "{" + "canary(x: {a: {b: {c: [[[1]]]}}}) { ... on T { ".repeat(9) + "b(y: {a: {b: {c: {d: {e: [[[[1]]]]}}}}})" + " } }".repeat(9) + "}", null),
                Arguments.of("aliases at the default limit (15)", GraphqlConfig.DEFAULTS, aliases(15), null),
                Arguments.of("aliases one over the default", GraphqlConfig.DEFAULTS, aliases(16), Code.TOO_MANY_ALIASES),
                Arguments.of("max_aliases 0 forbids aliases", config(null, 0, null, null), "{ x: canary }", Code.TOO_MANY_ALIASES),
                Arguments.of("aliases count through fragments", config(null, 10, null, null),
                        "{" + " ...F".repeat(6) + " } fragment F on Query { x: canary y: canary }", Code.TOO_MANY_ALIASES),
                Arguments.of("fields at the default limit (200)", GraphqlConfig.DEFAULTS, fields(200, "canary"), null),
                Arguments.of("fields one over the default", GraphqlConfig.DEFAULTS, fields(201, "canary"), Code.TOO_MANY_FIELDS),
                Arguments.of("a fragment of 3 fields spread 50 times is 150 fields (at a limit of 150)", config(null, null, 150, null), spread50, null),
                Arguments.of("... and one over a limit of 149", config(null, null, 149, null), spread50, Code.TOO_MANY_FIELDS),
                Arguments.of("complexity at the limit: 10 x (1 + 10 x (1 + 1)) = 210", config(null, null, null, 210),
                        "{ canary(first: 10) { b(last: 10) { c } } }", null),
                Arguments.of("complexity one over", config(null, null, null, 209),
                        "{ canary(first: 10) { b(last: 10) { c } } }", Code.TOO_COMPLEX),
                Arguments.of("limit is a page argument too: 500 x 2", GraphqlConfig.DEFAULTS, "{ canary(limit: 500) { id } }", null),
                Arguments.of("... and 501 x 2 is over the default 1000", GraphqlConfig.DEFAULTS, "{ canary(limit: 501) { id } }", Code.TOO_COMPLEX),
                Arguments.of("a page size beyond a long saturates", GraphqlConfig.DEFAULTS, "{ canary(first: 99999999999999999999999) { id } }", Code.TOO_COMPLEX),
                Arguments.of("first: 0 or negative still costs the field", config(null, null, null, 2), "{ canary(first: -5) { id } }", null),
                Arguments.of("a variable's default is the page size when the request gives none", GraphqlConfig.DEFAULTS,
                        "query Canary($n: Int = 600) { canary(first: $n) { id } }", Code.TOO_COMPLEX),
                Arguments.of("without page arguments complexity equals fields", config(null, null, null, 3), "{ canary { b c } }", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limitCases")
    void eachLimitPassesAtItsValueAndRefusesOneOver(String name, GraphqlConfig config, String document, Code expected) {
        Result r = limits(config).check(document, null);
        if (expected == null) ok(r);
        else refused(r, expected, document);
    }

    @Test
    void refusalsNameTheMeasureAndTheLimitOnly() {
        assertThat(refused(DEFAULTS.check(nested(12), null), Code.TOO_DEEP, null).message())
                .isEqualTo("The query nests 12 levels deep; this route allows at most 10.");
        assertThat(refused(DEFAULTS.check(aliases(20), null), Code.TOO_MANY_ALIASES, null).message())
                .isEqualTo("The query uses 20 aliases (fragments expanded); this route allows at most 15.");
        assertThat(refused(DEFAULTS.check(fields(250, "canary"), null), Code.TOO_MANY_FIELDS, null).message())
                .isEqualTo("The query selects 250 fields (fragments expanded); this route allows at most 200.");
        assertThat(refused(DEFAULTS.check("{ canary(first: 2000) { id } }", null), Code.TOO_COMPLEX, null).message())
                .isEqualTo("The query's complexity is 4000; this route allows at most 1000.");
    }

    @Test
    void theMeasuresOfAPassingRequestAreReported() {
        Ok ok = ok(DEFAULTS.check("query Canary { a: canary(first: 5) { b c { d } } ...F } fragment F on Query { e }", "Canary"));
        assertThat(ok).isEqualTo(new Ok(1, 3, 1, 5, 5 * (1 + 1 + 2) + 1));
    }

    @Test
    void pageSizesFromVariablesCount() {
        String doc = "query Canary($n: Int) { canary(first: $n) { id } }";
        Result big = DEFAULTS.checkJson(json(Map.of("query", doc, "variables", Map.of("n", 1000))));
        refused(big, Code.TOO_COMPLEX, doc);
        ok(DEFAULTS.checkJson(json(Map.of("query", doc, "variables", Map.of("n", 400)))));
        assertThat(ok(DEFAULTS.checkJson(json(Map.of("query", doc)))).complexity()).as("unknown page size: 1").isEqualTo(2);
        Result asString = DEFAULTS.checkJson(json(Map.of("query", doc, "variables", "{\"n\": 1000}")));
        refused(asString, Code.TOO_COMPLEX, doc);
    }

    // ---- fragments

    @Test
    void fragmentSpreadsAreExpandedNotCountedOnce() {
        String frag = " fragment F on Query { canary b c d }";
        assertThat(ok(limits(config(null, null, 1000, 1000)).check("{" + " ...F".repeat(50) + " }" + frag, null)).fields()).isEqualTo(200);
        // Nested: G spreads F 5 times; G spread 10 times: 10 x 5 x 4 = 200 fields.
        String nested = "{" + " ...G".repeat(10) + " } fragment G on Query {" + " ...F".repeat(5) + " }" + frag;
        assertThat(ok(limits(config(null, null, 1000, 1000)).check(nested, null)).fields()).isEqualTo(200);
        refused(DEFAULTS.check("{ x {" + " ...F".repeat(51) + " } }" + frag, null), Code.TOO_MANY_FIELDS, null);
    }

    /** F{n} spreads F{n-1} twice, … F1 spreads F0 twice: 2^(n+1) fields from a document of n lines. */
    static String fragmentBomb(int levels) {
        StringBuilder doc = new StringBuilder("{ ...F" + levels + " } fragment F0 on Query { canary b }");
        for (int i = 1; i <= levels; i++) doc.append(" fragment F").append(i).append(" on Query { ...F").append(i - 1).append(" ...F").append(i - 1).append(" }");
        return doc.toString();
    }

    @Test
    void anExponentialFragmentBombIsMeasuredInLinearTime() {
        String doc = fragmentBomb(40); // 2^41 fields from 2 KB
        Refusal r = refused(DEFAULTS.check(doc, null), Code.TOO_MANY_FIELDS, doc);
        assertThat(r.message()).contains("more than 1000000000 fields");
        // Expanding the spreads would double the time per level; measuring them costs the same per level.
        Scaling.assertLinear("fragment levels", 40, GraphqlLimitsTest::fragmentBomb, d -> DEFAULTS.check(d, null));
    }

    /** n fragments, each spreading the next, the last the first. */
    static String fragmentRing(int n) {
        StringBuilder ring = new StringBuilder("{ ...F0 }");
        for (int i = 0; i < n; i++) ring.append(" fragment F").append(i).append(" on Q { canary ...F").append((i + 1) % n).append(" }");
        return ring.toString();
    }

    static Stream<Arguments> fragmentCycles() {
        return Stream.of(
                Arguments.of("a fragment spreading itself", "{ ...F } fragment F on Q { canary ...F }"),
                Arguments.of("two fragments spreading each other", "{ ...A } fragment A on Q { canary { ...B } } fragment B on Q { ...A }"),
                Arguments.of("a cycle behind an acyclic fragment", "{ ...A } fragment A on Q { ...B } fragment B on Q { x { ...C } } fragment C on Q { ... on Q { ...B } }"),
                Arguments.of("a ring of 1000 fragments", fragmentRing(1000)));
    }

    static final GraphqlLimits LARGE_DOCUMENTS = limits(new GraphqlConfig(null, null, null, null, ByteSize.ofKiB(256), null, null, null));

    @ParameterizedTest(name = "{0}")
    @MethodSource("fragmentCycles")
    void fragmentCyclesAreInvalid(String name, String document) {
        assertThat(refused(LARGE_DOCUMENTS.check(document, null), Code.INVALID, document).message()).contains("cycle");
    }

    @Test
    void aRingOfFragmentsIsFoundInLinearTime() {
        Scaling.assertLinear("fragments in the ring", 250, GraphqlLimitsTest::fragmentRing, d -> LARGE_DOCUMENTS.check(d, null));
    }

    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                Arguments.of("a syntax error", "{ canary(x: ) }", "line 1, column"),
                Arguments.of("unbalanced braces", "{ canary { b }", "not valid GraphQL"),
                Arguments.of("a type definition", "type Canary { a: Int } { a }", "only hold operations and fragments"),
                Arguments.of("only fragments", "fragment F on Q { canary }", "no operation"),
                Arguments.of("a spread of an undefined fragment", "{ ...Canary }", "does not define"),
                Arguments.of("an unused fragment", "{ a } fragment Canary on Q { b }", "no operation uses"),
                Arguments.of("a fragment defined twice", "{ ...F } fragment F on Q { a } fragment F on Q { canary }", "twice"),
                Arguments.of("two anonymous operations", "{ canary } { b }", "anonymous"),
                Arguments.of("an anonymous operation beside a named one", "query Canary { a } { b }", "anonymous"),
                Arguments.of("an operation name twice", "query Canary { a } query Canary { b }", "twice"),
                Arguments.of("several operations, none named by operationName", "query A { canary } query B { b }", "operationName must name one"),
                Arguments.of("an empty document", "   ", "no query"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void invalidDocumentsAreGraphqlInvalid(String name, String document, String says) {
        assertThat(refused(DEFAULTS.check(document, null), Code.INVALID, document).message()).contains(says);
    }

    @Test
    void operationNameSelectsAndEveryOperationIsMeasured() {
        String doc = "query A { canary } query B { b c }";
        assertThat(ok(DEFAULTS.check(doc, "B")).fields()).as("the largest of the document's operations").isEqualTo(2);
        refused(DEFAULTS.check(doc, "Canary"), Code.INVALID, doc);
        // The unselected operation is still parsed and validated upstream: it is held to the limits too.
        refused(DEFAULTS.check("query A { a } query B " + nested(11), "A"), Code.TOO_DEEP, null);
    }

    // ---- hostile documents the parser must not choke on

    static Stream<Arguments> deepDocuments() {
        return Stream.of(
                deep("open selections", n -> "{a".repeat(n), 10_000),
                deep("closed selections", n -> "{a".repeat(n) + "}".repeat(n), 10_000),
                deep("nested lists", n -> "{ canary(x: " + "[".repeat(n) + " }", 15_000),
                deep("nested objects", n -> "{ canary(x: " + "{a:".repeat(n) + " }", 5_000),
                deep("nested inline fragments", n -> "{" + "a{... on T{".repeat(n), 2_500));
    }

    private static Arguments deep(String name, IntFunction<String> document, int levels) {
        return Arguments.of(name, document, levels);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepDocuments")
    void thousandsOfLevelsAreRefusedByTheParserLimitsWithoutAStackOverflow(String name, IntFunction<String> document, int levels) {
        String doc = document.apply(levels);
        assertThat(refused(DEFAULTS.check(doc, null), Code.TOO_DEEP, doc).message())
                .isEqualTo("The document nests deeper than this route allows (at most 10 levels of fields).");
        Scaling.assertLinear(name, levels / 8, document, d -> DEFAULTS.check(d, null));
    }

    @Test
    void aMegabyteDocumentIsRefusedBySizeBeforeParsing() {
        // Also unbalanced and a million levels deep: refused for its size, so it was never parsed.
        String doc = "{ canary " + "{x".repeat(512 * 1024) + " }";
        assertThat(refused(DEFAULTS.check(doc, null), Code.DOCUMENT_TOO_LARGE, doc).message())
                .isEqualTo("The document is " + doc.length() + " bytes; this route accepts at most 32768.");
        byte[] raw = doc.getBytes(StandardCharsets.UTF_8);
        refused(DEFAULTS.checkDocumentBody(raw), Code.DOCUMENT_TOO_LARGE, doc);
        refused(DEFAULTS.checkJson(json(request(doc))), Code.DOCUMENT_TOO_LARGE, doc);
    }

    @Test
    void documentSizeIsInUtf8BytesAtTheLimitAndOneOver() {
        GraphqlLimits small = limits(new GraphqlConfig(null, null, null, null, ByteSize.ofKiB(1), null, null, null));
        String head = "{ canary(s: \"";
        String tail = "\") }";
        int room = 1024 - head.length() - tail.length();
        String exact = head + "é".repeat(room / 2) + "x".repeat(room % 2) + tail;
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(1024);
        ok(small.check(exact, null));
        String over = head + "é".repeat(room / 2) + "x".repeat(room % 2 + 1) + tail;
        refused(small.check(over, null), Code.DOCUMENT_TOO_LARGE, over);
        refused(small.checkDocumentBody(over.getBytes(StandardCharsets.UTF_8)), Code.DOCUMENT_TOO_LARGE, over);
    }

    @Test
    void aPunctuationFloodWithinTheSizeIsStoppedByTheTokenLimit() {
        String doc = "{ canary(x: [" + "[]".repeat(10_000) + "]) }"; // 20 KB, one token per byte
        assertThat(refused(DEFAULTS.check(doc, null), Code.DOCUMENT_TOO_LARGE, doc).message()).contains("tokens");
    }

    // ---- introspection

    static Stream<Arguments> introspection() {
        return Stream.of(
                Arguments.of("__schema", "{ __schema { types { name } } }"),
                Arguments.of("__type", "{ __type(name: \"Canary\") { name } }"),
                Arguments.of("under an alias", "{ canary: __schema { queryType { name } } }"),
                Arguments.of("nested", "{ canary { __type(name: \"X\") { name } } }"),
                Arguments.of("in a fragment", "{ ...F } fragment F on Query { __schema { types { name } } }"),
                Arguments.of("in an inline fragment", "{ ... on Query { __schema { types { name } } } }"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("introspection")
    void introspectionIsRefusedInProdAndAllowedOtherwise(String name, String document) {
        assertThat(refused(new GraphqlLimits(GraphqlConfig.DEFAULTS, true).check(document, null), Code.INTROSPECTION_DISABLED, document).message())
                .isEqualTo("Introspection (__schema, __type) is disabled on this route.");
        ok(new GraphqlLimits(GraphqlConfig.DEFAULTS, false).check(document, null));
        GraphqlConfig on = new GraphqlConfig(null, null, null, null, null, true, null, null);
        GraphqlConfig off = new GraphqlConfig(null, null, null, null, null, false, null, null);
        ok(new GraphqlLimits(on, true).check(document, null));
        refused(new GraphqlLimits(off, false).check(document, null), Code.INTROSPECTION_DISABLED, document);
    }

    @Test
    void typenameIsAlwaysAllowed() {
        GraphqlConfig off = new GraphqlConfig(null, null, null, null, null, false, null, null);
        ok(new GraphqlLimits(GraphqlConfig.DEFAULTS, true).check("{ __typename canary { __typename id } }", null));
        ok(new GraphqlLimits(off, false).check("{ ...F } fragment F on Query { __typename }", null));
    }

    // ---- persisted queries

    static final String LISTED = "query Canary { canary { id } }";
    static final String UNLISTED = "query Canary { canary { id name } }";
    static final GraphqlLimits PERSISTED = limits(new GraphqlConfig(null, null, null, null, null, null,
            List.of(GraphqlLimits.sha256Hex(LISTED).toUpperCase(Locale.ROOT)), null));

    static Map<String, Object> apq(String query, String hash) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (query != null) m.put("query", query);
        m.put("extensions", Map.of("persistedQuery", Map.of("version", 1, "sha256Hash", hash)));
        return m;
    }

    @Test
    void withAnAllowListOnlyListedDocumentsPass() {
        assertThat(GraphqlLimits.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        ok(PERSISTED.check(LISTED, null));
        assertThat(refused(PERSISTED.check(UNLISTED, null), Code.QUERY_NOT_PERSISTED, UNLISTED).message())
                .isEqualTo("This route only runs persisted queries, and this one is not on its list.");
        refused(PERSISTED.check(LISTED + " ", null), Code.QUERY_NOT_PERSISTED, null); // the exact text, not an equivalent one
        ok(PERSISTED.checkJson(json(request(LISTED))));
        ok(PERSISTED.checkDocumentBody(LISTED.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void apolloPersistedQueryHashes() {
        String listed = GraphqlLimits.sha256Hex(LISTED);
        String unlisted = GraphqlLimits.sha256Hex(UNLISTED);
        assertThat(ok(PERSISTED.checkJson(json(apq(null, listed))))).as("a listed hash alone: the upstream holds the text").isEqualTo(new Ok(1, 0, 0, 0, 0));
        ok(PERSISTED.checkJson(json(apq(null, listed.toUpperCase(Locale.ROOT)))));
        refused(PERSISTED.checkJson(json(apq(null, unlisted))), Code.QUERY_NOT_PERSISTED, null);
        ok(PERSISTED.checkJson(json(apq(LISTED, listed))));
        refused(PERSISTED.checkJson(json(apq(UNLISTED, unlisted))), Code.QUERY_NOT_PERSISTED, UNLISTED);
        assertThat(refused(PERSISTED.checkJson(json(apq(UNLISTED, listed))), Code.INVALID, UNLISTED).message())
                .as("a listed hash cannot vouch for another text").contains("does not match");
        refused(PERSISTED.checkJson(json(apq(null, "canary"))), Code.INVALID, null);
        // Without an allow-list: APQ works (hash alone passes, text and hash must agree, the text is held to the limits).
        ok(DEFAULTS.checkJson(json(apq(null, unlisted))));
        ok(DEFAULTS.checkJson(json(apq(UNLISTED, unlisted))));
        refused(DEFAULTS.checkJson(json(apq(LISTED, unlisted))), Code.INVALID, LISTED);
        refused(DEFAULTS.checkJson(json(apq(nested(11), GraphqlLimits.sha256Hex(nested(11))))), Code.TOO_DEEP, null);
    }

    @Test
    void anAllowListIsNoExemptionFromTheLimits() {
        String deep = nested(11);
        GraphqlLimits listed = limits(new GraphqlConfig(null, null, null, null, null, null, List.of(GraphqlLimits.sha256Hex(deep)), null));
        refused(listed.check(deep, null), Code.TOO_DEEP, deep);
    }

    // ---- the HTTP shapes: batches, GET, JSON envelopes

    @Test
    void batchesUpToMaxBatchPassAndLargerOnesAreRefused() {
        List<Object> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) ten.add(request("{ canary" + i + " }"));
        assertThat(ok(DEFAULTS.checkJson(json(ten))).operations()).isEqualTo(10);
        ten.add(request("{ canary }"));
        assertThat(refused(DEFAULTS.checkJson(json(ten)), Code.BATCH_TOO_LARGE, null).message())
                .isEqualTo("The batch holds 11 operations; this route allows at most 10.");
        GraphqlLimits single = limits(new GraphqlConfig(null, null, null, null, null, null, null, 1));
        ok(single.checkJson(json(List.of(request("{ a }")))));
        refused(single.checkJson(json(List.of(request("{ a }"), request("{ b }")))), Code.BATCH_TOO_LARGE, null);
    }

    @Test
    void eachOperationOfABatchIsCheckedAndTheRefusalSaysWhichOne() {
        Refusal r = refused(DEFAULTS.checkJson(json(List.of(request("{ a }"), request(nested(11))))), Code.TOO_DEEP, null);
        assertThat(r.message()).startsWith("Operation 2 of the batch: The query nests 11 levels deep");
        refused(DEFAULTS.checkJson(json(List.of(request("{ a }"), "canary"))), Code.INVALID, null);
        refused(DEFAULTS.checkJson(json(List.of())), Code.INVALID, null);
    }

    static Stream<Arguments> invalidJson() {
        return Stream.of(
                Arguments.of("not JSON", "{\"query\": \"{ canary }\""),
                Arguments.of("trailing garbage", "{\"query\": \"{ canary }\"} canary"),
                Arguments.of("a JSON string", "\"{ canary }\""),
                Arguments.of("a number", "42"),
                Arguments.of("no query", "{\"operationName\": \"Canary\"}"),
                Arguments.of("a null query", "{\"query\": null}"),
                Arguments.of("an empty query", "{\"query\": \"\"}"),
                Arguments.of("a query that is not a string", "{\"query\": {\"canary\": 1}}"),
                Arguments.of("an operationName that is not a string", "{\"query\": \"{ a }\", \"operationName\": [\"canary\"]}"),
                Arguments.of("variables that are not an object", "{\"query\": \"{ a }\", \"variables\": [\"canary\"]}"),
                Arguments.of("variables as a string that is not JSON", "{\"query\": \"{ a }\", \"variables\": \"canary\"}"),
                Arguments.of("extensions that are not an object", "{\"query\": \"{ a }\", \"extensions\": \"canary\"}"),
                Arguments.of("a persistedQuery without a hash", "{\"extensions\": {\"persistedQuery\": {\"version\": 1}}}"),
                Arguments.of("a duplicate query key (which would the upstream read?)", "{\"query\": \"{ a }\", \"query\": \"{ canary }\"}"),
                Arguments.of("deeply nested variables", "{\"query\": \"{ a }\", \"variables\": {\"v\": " + "[".repeat(5000) + "]".repeat(5000) + "}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJson")
    void malformedJsonEnvelopesAreGraphqlInvalid(String name, String body) {
        refused(DEFAULTS.checkJson(body.getBytes(StandardCharsets.UTF_8)), Code.INVALID, body);
    }

    @Test
    void emptyAndNonUtf8BodiesAreInvalid() {
        refused(DEFAULTS.checkJson(new byte[0]), Code.INVALID, null);
        refused(DEFAULTS.checkJson(null), Code.INVALID, null);
        refused(DEFAULTS.checkDocumentBody(new byte[0]), Code.INVALID, null);
        byte[] latin1 = "{ canary(s: \"caf\u00e9\") }".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(refused(DEFAULTS.checkDocumentBody(latin1), Code.INVALID, null).message()).contains("UTF-8");
    }

    @Test
    void getCarriesTheOperationInTheQueryString() {
        ok(DEFAULTS.checkGet("query=" + url("{ canary { id } }")));
        ok(DEFAULTS.checkGet("query={+canary+}")); // form encoding: + is a space
        ok(DEFAULTS.checkGet("query=" + url("query A { a } query Canary { b }") + "&operationName=Canary&other=1"));
        String deep = nested(11);
        refused(DEFAULTS.checkGet("query=" + url(deep)), Code.TOO_DEEP, deep);
        String doc = "query Canary($n: Int) { canary(first: $n) { id } }";
        refused(DEFAULTS.checkGet("query=" + url(doc) + "&variables=" + url("{\"n\": 5000}")), Code.TOO_COMPLEX, doc);
        String hash = GraphqlLimits.sha256Hex(LISTED);
        ok(PERSISTED.checkGet("extensions=" + url("{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"" + hash + "\"}}")));
        refused(PERSISTED.checkGet("query=" + url(UNLISTED)), Code.QUERY_NOT_PERSISTED, UNLISTED);
    }

    static Stream<Arguments> invalidGets() {
        return Stream.of(
                Arguments.of("no query string", null),
                Arguments.of("no query parameter", "operationName=Canary"),
                Arguments.of("an empty query", "query="),
                Arguments.of("the query twice", "query=" + url("{ a }") + "&query=" + url("{ canary }")),
                Arguments.of("the query twice, once with an encoded name", "query=" + url("{ a }") + "&q%75ery=" + url("{ canary }")),
                Arguments.of("bad percent encoding", "query=%7B%20canary%ZZ"),
                Arguments.of("variables that are not JSON", "query=" + url("{ a }") + "&variables=canary"),
                Arguments.of("a mutation (GET must not change anything)", "query=" + url("mutation Canary { delete }")),
                Arguments.of("a subscription", "query=" + url("subscription { canary }")),
                Arguments.of("the selected operation is a mutation", "query=" + url("query A { a } mutation Canary { b }") + "&operationName=Canary"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidGets")
    void malformedGetsAreGraphqlInvalid(String name, String rawQuery) {
        refused(DEFAULTS.checkGet(rawQuery), Code.INVALID, rawQuery);
    }

    @Test
    void getMayRunAQueryBesideAMutationItDoesNotSelect() {
        ok(DEFAULTS.checkGet("query=" + url("query A { a } mutation Canary { b }") + "&operationName=A"));
    }

    @Test
    void postTakesJsonOrTheRawDocumentAndNothingInTheUrl() {
        byte[] body = json(request("{ canary }"));
        ok(DEFAULTS.checkPost("application/json", body, null));
        ok(DEFAULTS.checkPost("Application/JSON; charset=UTF-8", body, "trace=1"));
        ok(DEFAULTS.checkPost("application/graphql", "{ canary }".getBytes(StandardCharsets.UTF_8), null));
        ok(DEFAULTS.checkPost("application/json", json(Map.of("query", "mutation { canary }")), null)); // mutations are POSTed
        refused(DEFAULTS.checkPost("text/plain", body, null), Code.INVALID, null);
        refused(DEFAULTS.checkPost(null, body, null), Code.INVALID, null);
        refused(DEFAULTS.checkPost("application/x-www-form-urlencoded", "query=%7Ba%7D".getBytes(StandardCharsets.UTF_8), null), Code.INVALID, null);
        refused(DEFAULTS.checkPost("application/json; charset=iso-8859-1", body, null), Code.INVALID, null);
        assertThat(refused(DEFAULTS.checkPost("application/json", body, "query=" + url(nested(30))), Code.INVALID, null).message())
                .isEqualTo("A GraphQL POST carries its request in the body only, not in the URL.");
        refused(DEFAULTS.checkPost("application/graphql", "{ a }".getBytes(StandardCharsets.UTF_8), "operationName=Canary"), Code.INVALID, null);
    }

    // ---- the config record

    @Test
    void configDefaults() {
        GraphqlConfig d = GraphqlConfig.DEFAULTS;
        assertThat(List.of(d.maxDepth(), d.maxAliases(), d.maxFields(), d.maxComplexity(), d.maxBatch())).containsExactly(10, 15, 200, 1000, 10);
        assertThat(d.maxDocumentBytes()).isEqualTo(ByteSize.ofKiB(32));
        assertThat(d.persistedQueries()).isNull();
        assertThat(d.introspectionAllowed(false)).isTrue();
        assertThat(d.introspectionAllowed(true)).isFalse();
    }

    @Test
    void configValuesAreValidatedNamingTheirKey() {
        assertThatThrownBy(() -> config(0, null, null, null)).hasMessage("max_depth: 0 (expected: 1 to 50)");
        assertThatThrownBy(() -> config(51, null, null, null)).hasMessageStartingWith("max_depth: 51");
        assertThatThrownBy(() -> config(null, -1, null, null)).hasMessageStartingWith("max_aliases: -1");
        assertThatThrownBy(() -> config(null, null, 0, null)).hasMessageStartingWith("max_fields: 0");
        assertThatThrownBy(() -> config(null, null, null, 0)).hasMessageStartingWith("max_complexity: 0");
        assertThatThrownBy(() -> new GraphqlConfig(null, null, null, null, null, null, null, 0)).hasMessageStartingWith("max_batch: 0");
        assertThatThrownBy(() -> new GraphqlConfig(null, null, null, null, new ByteSize(2L * 1024 * 1024), null, null, null))
                .hasMessageStartingWith("max_document_bytes: 2097152");
        assertThatThrownBy(() -> new GraphqlConfig(null, null, null, null, null, null, List.of(), null)).hasMessageStartingWith("persisted_queries: empty");
        assertThatThrownBy(() -> new GraphqlConfig(null, null, null, null, null, null, List.of(GraphqlLimits.sha256Hex("a"), "abc123"), null))
                .hasMessageStartingWith("persisted_queries[1]: not a SHA-256");
        GraphqlConfig normalised = new GraphqlConfig(null, null, null, null, null, null,
                List.of(" " + GraphqlLimits.sha256Hex("a").toUpperCase(Locale.ROOT), GraphqlLimits.sha256Hex("a")), null);
        assertThat(normalised.persistedQueries()).containsExactly(GraphqlLimits.sha256Hex("a"));
    }

    @Test
    void configMapsFromSnakeCaseYaml() throws Exception {
        // The loader's settings that matter here: snake_case keys, unknown keys refused, sizes with units.
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(new SimpleModule().addDeserializer(ByteSize.class, new com.fasterxml.jackson.databind.JsonDeserializer<>() {
                    @Override
                    public ByteSize deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext c) throws java.io.IOException {
                        return ByteSize.parse(p.getValueAsString());
                    }
                }));
        String hash = GraphqlLimits.sha256Hex("{ a }");
        GraphqlConfig c = yaml.readValue("""
                max_depth: 7
                max_aliases: 0
                max_fields: 120
                max_complexity: 5000
                max_document_bytes: 8KiB
                introspection: false
                persisted_queries: [%s]
                max_batch: 1
                """.formatted(hash), GraphqlConfig.class);
        assertThat(c).isEqualTo(new GraphqlConfig(7, 0, 120, 5000, ByteSize.ofKiB(8), false, List.of(hash), 1));
        assertThat(yaml.readValue("{}", GraphqlConfig.class)).isEqualTo(GraphqlConfig.DEFAULTS);
    }
}
