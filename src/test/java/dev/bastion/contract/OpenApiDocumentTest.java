package dev.bastion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is read from a document besides the request schemas: the default base path, and the answers' schemas by status. */
class OpenApiDocumentTest {
    @TempDir
    Path dir;

    OpenApiDocument doc(String yaml) throws Exception {
        Path f = dir.resolve("api-" + System.nanoTime() + ".yaml");
        Files.writeString(f, "openapi: 3.1.0\ninfo: { title: t, version: '1' }\n" + yaml);
        return OpenApiDocument.read(f.toString());
    }

    @Test
    void theBasePathIsTheFirstServersPathWithItsVariablesAtTheirDefaults() throws Exception {
        assertThat(doc("servers: [{ url: 'https://api.example.com/v2/' }, { url: /other }]\npaths: {}").serverBasePath()).isEqualTo("/v2");
        assertThat(doc("servers: [{ url: /api }]\npaths: {}").serverBasePath()).isEqualTo("/api");
        assertThat(doc("servers: [{ url: 'https://{region}.example.com/{version}', variables: { region: { default: eu }, version: { default: v3 } } }]\npaths: {}")
                .serverBasePath()).isEqualTo("/v3");
        assertThat(doc("servers: [{ url: 'https://api.example.com' }]\npaths: {}").serverBasePath()).isEqualTo("/");
        assertThat(doc("paths: {}").serverBasePath()).isEqualTo("/");
    }

    @Test
    void answersAreKeyedByCodeRangeAndDefaultAndTheirRefsFollowed() throws Exception {
        OpenApiDocument d = doc("""
                paths:
                  /a:
                    get:
                      responses:
                        '200': { description: ok, content: { application/json: { schema: { const: ok } } } }
                        4xx: { $ref: '#/components/responses/Problem' }
                        default: { description: other, content: { application/problem+json: { schema: { const: other } } } }
                        '204': { description: none }
                        '302': { description: html, content: { text/html: { schema: { type: string } } } }
                components:
                  responses:
                    Problem: { description: problem, content: { application/json: { schema: { const: problem } } } }
                """);
        Map<String, com.fasterxml.jackson.databind.JsonNode> r = d.operations().getFirst().responses();
        assertThat(r.keySet()).containsExactlyInAnyOrder("200", "4XX", "default");
        ResponseSchemas schemas = new ResponseSchemas(Map.of("200", CompiledSchema.compile(r.get("200").toString()),
                "4XX", CompiledSchema.compile(r.get("4XX").toString()), "default", CompiledSchema.compile(r.get("default").toString())));
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        assertThat(schemas.forStatus(200).validate(json.readTree("\"ok\""))).isEmpty();
        assertThat(schemas.forStatus(404).validate(json.readTree("\"problem\""))).isEmpty();
        assertThat(schemas.forStatus(404).validate(json.readTree("\"ok\""))).isNotEmpty();
        assertThat(schemas.forStatus(500).validate(json.readTree("\"other\""))).isEmpty();
        assertThat(new ResponseSchemas(Map.of("2XX", schemas.forStatus(200))).forStatus(500)).isNull();
    }
}
