package dev.bastion.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.GraphqlConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** W7 on the chain: the HTTP shapes of a GraphQL request, through {@link GraphqlControl} over the Exchange builder. */
class GraphqlControlTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> CODES = Set.of("graphql_invalid", "graphql_too_deep", "graphql_too_many_aliases", "graphql_too_many_fields",
            "graphql_too_complex", "graphql_document_too_large", "graphql_introspection_disabled", "graphql_query_not_persisted",
            "graphql_batch_too_large");
    static final GraphqlControl DEV = new GraphqlControl(GraphqlConfig.DEFAULTS, false);
    static final GraphqlControl PROD = new GraphqlControl(GraphqlConfig.DEFAULTS, true);
    static final String DEEP = "query CanaryOp { canary { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }"; // 11 levels

    static Exchange post(String contentType, String body) {
        Exchange.Builder b = Exchange.builder().method(HttpMethod.POST).path("/graphql").body(body == null ? null : Buffer.buffer(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return b.build();
    }

    static Exchange postJson(Object body) throws Exception {
        return post("application/json", JSON.writeValueAsString(body));
    }

    static Exchange get(String rawQuery) {
        return Exchange.builder().method(HttpMethod.GET).path("/graphql").rawQuery(rawQuery).build();
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Verdict run(GraphqlControl c, Exchange ex) {
        var f = c.check(ex);
        assertThat(f.isComplete()).as("decided synchronously").isTrue();
        return f.result();
    }

    static Verdict.Deny denied(GraphqlControl c, Exchange ex, String code) {
        Verdict v = run(c, ex);
        assertThat(v).isInstanceOf(Verdict.Deny.class);
        Verdict.Deny d = (Verdict.Deny) v;
        assertThat(d.status()).isEqualTo(400);
        assertThat(d.reason()).isEqualTo(code);
        assertThat(d.message().toLowerCase(java.util.Locale.ROOT)).doesNotContain("canary");
        if (ex.body() != null && ex.body().length() > 3) assertThat(d.message()).doesNotContain(ex.body().toString());
        return d;
    }

    @Test
    void aBodyInspectionControlAfterAuthentication() {
        assertThat(DEV.stage()).isEqualTo(Stage.INSPECT_BODY);
        assertThat(DEV.name()).isEqualTo("graphql");
        assertThat(DEV.needsBody()).isTrue();
    }

    @Test
    void aJsonPostWithinTheLimitsPassesWithItsMeasuresOnTheAccessLine() throws Exception {
        Exchange ex = postJson(Map.of("query", "query CanaryOp { canary(first: 3) { id name } }", "operationName", "CanaryOp"));
        assertThat(run(DEV, ex)).isEqualTo(Verdict.ALLOW);
        assertThat(ex.logFields()).containsEntry("graphql", Map.of("operations", 1, "depth", 2, "aliases", 0L, "fields", 3L, "complexity", 9L));
        assertThat(ex.logFields().toString()).doesNotContain("canary").doesNotContain("CanaryOp");
    }

    static Stream<Arguments> shapes() throws Exception {
        return Stream.of(
                Arguments.of("JSON POST", postJson(Map.of("query", "{ canary }")), null),
                Arguments.of("JSON POST with charset", post("application/json; charset=utf-8", "{\"query\":\"{ canary }\"}"), null),
                Arguments.of("application/graphql POST", post("application/graphql", "{ canary }"), null),
                Arguments.of("JSON batch", postJson(List.of(Map.of("query", "{ a }"), Map.of("query", "{ canary }"))), null),
                Arguments.of("GET with the query in the URL", get("query=" + url("{ canary { id } }")), null),
                Arguments.of("GET with operationName and variables", get("query=" + url("query CanaryOp($n: Int) { canary(first: $n) { id } }")
                        + "&operationName=CanaryOp&variables=" + url("{\"n\": 10}")), null),
                Arguments.of("too deep, JSON", postJson(Map.of("query", DEEP)), "graphql_too_deep"),
                Arguments.of("too deep, raw", post("application/graphql", DEEP), "graphql_too_deep"),
                Arguments.of("too deep, GET", get("query=" + url(DEEP)), "graphql_too_deep"),
                Arguments.of("too deep in a batch", postJson(List.of(Map.of("query", "{ a }"), Map.of("query", DEEP))), "graphql_too_deep"),
                Arguments.of("batch of 11", postJson(java.util.Collections.nCopies(11, Map.of("query", "{ canary }"))), "graphql_batch_too_large"),
                Arguments.of("alias bomb", postJson(Map.of("query", "{" + stringOf(" a%d: canary", 40) + " }")), "graphql_too_many_aliases"),
                Arguments.of("a megabyte document", post("application/graphql", "{ canary " + "x".repeat(1 << 20) + " }"), "graphql_document_too_large"),
                Arguments.of("invalid JSON", post("application/json", "{\"query\": \"{ canary }\""), "graphql_invalid"),
                Arguments.of("JSON without a query", post("application/json", "{\"operationName\": \"CanaryOp\"}"), "graphql_invalid"),
                Arguments.of("an empty body", post("application/json", ""), "graphql_invalid"),
                Arguments.of("no body at all", post("application/json", null), "graphql_invalid"),
                Arguments.of("no content type", post(null, "{\"query\": \"{ canary }\"}"), "graphql_invalid"),
                Arguments.of("a form post (cross-site forgeable)", post("application/x-www-form-urlencoded", "query=%7Bcanary%7D"), "graphql_invalid"),
                Arguments.of("text/plain (cross-site forgeable)", post("text/plain", "{\"query\": \"{ canary }\"}"), "graphql_invalid"),
                Arguments.of("a GET without a query", get(null), "graphql_invalid"),
                Arguments.of("a mutation over GET", get("query=" + url("mutation CanaryOp { canary }")), "graphql_invalid"),
                Arguments.of("a POST with a second query in the URL", Exchange.builder().method(HttpMethod.POST).path("/graphql")
                        .header("Content-Type", "application/json").body(Buffer.buffer("{\"query\": \"{ a }\"}")).rawQuery("query=" + url(DEEP)).build(), "graphql_invalid"),
                Arguments.of("PUT", Exchange.builder().method(HttpMethod.PUT).path("/graphql").header("Content-Type", "application/json")
                        .body(Buffer.buffer("{\"query\": \"{ a }\"}")).build(), "graphql_invalid"));
    }

    static String stringOf(String format, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(format.formatted(i));
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void httpShapes(String name, Exchange ex, String code) {
        if (code == null) {
            assertThat(run(DEV, ex)).isEqualTo(Verdict.ALLOW);
        } else {
            assertThat(CODES).contains(code);
            denied(DEV, ex, code);
            assertThat(ex.logFields()).doesNotContainKey("graphql");
        }
    }

    @Test
    void introspectionIsOffInProdOnly() throws Exception {
        Map<String, String> q = Map.of("query", "{ __schema { types { name } } }");
        assertThat(denied(PROD, postJson(q), "graphql_introspection_disabled").message()).isEqualTo("Introspection (__schema, __type) is disabled on this route.");
        assertThat(run(DEV, postJson(q))).isEqualTo(Verdict.ALLOW);
        assertThat(run(PROD, postJson(Map.of("query", "{ __typename canary { __typename } }")))).isEqualTo(Verdict.ALLOW);
        denied(PROD, get("query=" + url("{ __type(name: \"Canary\") { name } }")), "graphql_introspection_disabled");
        GraphqlControl allowed = new GraphqlControl(new GraphqlConfig(null, null, null, null, null, true, null, null), true);
        assertThat(run(allowed, postJson(q))).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void persistedQueriesOnly() throws Exception {
        String listed = "query CanaryOp { canary { id } }";
        String hash = GraphqlLimits.sha256Hex(listed);
        GraphqlControl c = new GraphqlControl(new GraphqlConfig(null, null, null, null, null, null, List.of(hash), null), true);
        assertThat(run(c, postJson(Map.of("query", listed)))).isEqualTo(Verdict.ALLOW);
        assertThat(run(c, post("application/graphql", listed))).isEqualTo(Verdict.ALLOW);
        denied(c, postJson(Map.of("query", "{ canary }")), "graphql_query_not_persisted");
        Map<String, Object> hashOnly = Map.of("extensions", Map.of("persistedQuery", Map.of("version", 1, "sha256Hash", hash)));
        assertThat(run(c, postJson(hashOnly))).as("the upstream holds the text").isEqualTo(Verdict.ALLOW);
        Map<String, Object> otherHash = Map.of("extensions", Map.of("persistedQuery", Map.of("version", 1, "sha256Hash", GraphqlLimits.sha256Hex("{ canary }"))));
        denied(c, postJson(otherHash), "graphql_query_not_persisted");
        assertThat(run(c, get("extensions=" + url(JSON.writeValueAsString(hashOnly.get("extensions")))))).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void aRefusalIsAVerdictNotAFault() throws Exception {
        // A document nested past any parser's comfort is refused with a reason, never a failed future (503).
        var f = DEV.check(postJson(Map.of("query", "{" + "a{".repeat(10_000))));
        assertThat(f.succeeded()).isTrue();
        assertThat(f.result()).isInstanceOf(Verdict.Deny.class);
        assertThat(((Verdict.Deny) f.result()).reason()).isEqualTo("graphql_too_deep");
        assertThat(DEV.check(postJson(Map.of("query", "{ canary }"))).result()).isEqualTo(Verdict.ALLOW);
    }
}
