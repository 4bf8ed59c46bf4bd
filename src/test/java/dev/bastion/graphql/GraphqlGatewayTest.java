package dev.bastion.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GraphQL limits through a real gateway: refusals never reach the upstream, and nobody unauthenticated gets a document parsed. */
class GraphqlGatewayTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - id: graphql
                    match: { methods: [GET, POST], path: /graphql }
                    upstream: app
                    auth: { methods: [api_key] }
                    graphql: { max_depth: 5, max_aliases: 3, introspection: false }
                """));
        key = gw.createKey("acme", "invoke");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static String query(String document) {
        return new JsonObject().put("query", document).encode();
    }

    static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    @Test
    void aQueryWithinTheLimitsIsForwardedAndOneBeyondIsNot() throws Exception {
        int before = gw.upstream.seen().size();
        HttpResponse<String> ok = gw.postJson("/graphql", key, query("{ user(id: 1) { name orders { id } } }"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.seen()).hasSize(before + 1);

        HttpResponse<String> deep = gw.postJson("/graphql", key, query("{ a { b { c { d { e { f } } } } } }"));
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(code(deep)).isEqualTo("graphql_too_deep");
        assertThat(deep.body()).doesNotContain("{ a {");

        HttpResponse<String> aliases = gw.postJson("/graphql", key, query("{ a1: me { id } a2: me { id } a3: me { id } a4: me { id } }"));
        assertThat(code(aliases)).isEqualTo("graphql_too_many_aliases");
        HttpResponse<String> introspection = gw.postJson("/graphql", key, query("{ __schema { types { name } } }"));
        assertThat(code(introspection)).isEqualTo("graphql_introspection_disabled");
        assertThat(gw.upstream.seen()).as("no refused document went upstream").hasSize(before + 1);
    }

    /** Request inspection (on by default) reads the variables, where callers' data goes, and leaves the document — code — to the limits. */
    @Test
    void inspectionReadsTheVariablesNotTheDocument() throws Exception {
        String document = "query($id: ID!) { user(id: $id) { name orders(first: 10) { id } } }";
        HttpResponse<String> ok = gw.postJson("/graphql", key, new JsonObject().put("query", document).put("variables", new JsonObject().put("id", "42")).encode());
        assertThat(ok.statusCode()).as("user( and count( in a document are not SQL").isEqualTo(200);
        HttpResponse<String> sqli = gw.postJson("/graphql", key,
                new JsonObject().put("query", document).put("variables", new JsonObject().put("id", "1' UNION SELECT password FROM users--")).encode());
        assertThat(sqli.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(sqli.body()).getJsonObject("error").getString("code")).isEqualTo("request_blocked");
    }

    @Test
    void anUnauthenticatedCallerIsRefusedBeforeItsDocumentIsParsed() throws Exception {
        HttpResponse<String> r = gw.postJson("/graphql", null, query("{ a ".repeat(5000) + "}".repeat(5000)));
        assertThat(r.statusCode()).isEqualTo(401);
    }
}
