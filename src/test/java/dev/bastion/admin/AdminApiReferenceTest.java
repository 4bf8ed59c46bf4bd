package dev.bastion.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/admin-api.md is generated from the OpenAPI document the admin listener serves, and this test keeps it so: it
 * renders the document and fails when the committed reference differs. Regenerate with
 * {@code ./mvnw test -Dtest=AdminApiReferenceTest -Dbastion.regenerate=true}.
 */
class AdminApiReferenceTest {
    private static final Path SOURCE = Path.of("src/main/resources/admin/openapi.yaml");
    private static final Path REFERENCE = Path.of("docs/admin-api.md");
    private static final List<String> METHODS = List.of("get", "head", "post", "put", "patch", "delete");

    @Test
    void theReferenceIsTheDocumentRendered() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(SOURCE.toFile());
        String rendered = new Renderer(doc).render();
        if (Boolean.getBoolean("bastion.regenerate")) Files.writeString(REFERENCE, rendered, StandardCharsets.UTF_8);
        assertThat(Files.exists(REFERENCE)).as("docs/admin-api.md is missing: run with -Dbastion.regenerate=true").isTrue();
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
                .as("docs/admin-api.md is stale: regenerate it with -Dtest=AdminApiReferenceTest -Dbastion.regenerate=true")
                .isEqualTo(rendered);
    }

    @Test
    void everyOperationIsRenderedWithItsScopes() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(SOURCE.toFile());
        String rendered = new Renderer(doc).render();
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                if (!path.getValue().has(method)) continue;
                operations++;
                assertThat(rendered).contains("### `" + method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey() + "`");
            }
        }
        assertThat(operations).isGreaterThan(10);
        assertThat(rendered).contains("**Scopes:**");
        assertThat(rendered).contains("- **apiKey**", "- **bastionToken**", "- **consoleSession** (cookie `__Host-bastion_session`)", "X-CSRF-Token");
    }

    /** OpenAPI 3.1 to Markdown: one section per operation, parameters and body fields as tables, schemas by name. */
    private record Renderer(JsonNode doc) {
        String render() {
            StringBuilder out = new StringBuilder();
            out.append("# Admin API reference\n\n")
                    .append("<!-- Generated from src/main/resources/admin/openapi.yaml by AdminApiReferenceTest; do not edit by hand. -->\n\n")
                    .append(text(doc.path("info").path("description"))).append("\n\n")
                    .append("The document itself is served at `GET /admin/v1/openapi.yaml` on the admin listener. The role model, ")
                    .append("pagination and error conventions are described in [operations.md](operations.md#admin-api); the console ")
                    .append("([console.md](console.md)) is a client of exactly these operations.\n\n");
            List<String> sections = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (String method : METHODS) {
                    JsonNode op = path.getValue().get(method);
                    if (op != null) sections.add(operation(method, path.getKey(), path.getValue(), op));
                }
            }
            out.append("## Authentication\n\n");
            out.append("Each operation's scopes may be held by any of these credentials:\n\n");
            for (Iterator<Map.Entry<String, JsonNode>> schemes = doc.path("components").path("securitySchemes").fields(); schemes.hasNext(); ) {
                Map.Entry<String, JsonNode> scheme = schemes.next();
                JsonNode v = scheme.getValue();
                String how = "apiKey".equals(v.path("type").asText())
                        ? v.path("in").asText() + " `" + v.path("name").asText() + "`"
                        : "HTTP " + v.path("scheme").asText() + (v.has("bearerFormat") ? " (" + v.path("bearerFormat").asText() + ")" : "");
                out.append("- **").append(scheme.getKey()).append("** (").append(how).append("): ").append(text(v.path("description"))).append('\n');
            }
            out.append('\n');
            out.append("## Operations\n\n");
            for (String s : sections) out.append(s);
            out.append(schemas());
            return out.toString();
        }

        private String operation(String method, String path, JsonNode pathItem, JsonNode op) {
            StringBuilder s = new StringBuilder();
            s.append("### `").append(method.toUpperCase(java.util.Locale.ROOT)).append(' ').append(path).append("`\n\n");
            s.append(text(op.path("summary"))).append("\n\n");
            if (op.has("description")) s.append(text(op.get("description"))).append("\n\n");
            s.append("**Scopes:** ").append(scopes(op.has("security") ? op.get("security") : doc.path("security"))).append("\n\n");
            List<JsonNode> params = new ArrayList<>();
            for (JsonNode p : pathItem.path("parameters")) params.add(resolve(p));
            for (JsonNode p : op.path("parameters")) params.add(resolve(p));
            if (!params.isEmpty()) {
                s.append("| Parameter | In | Type | Required | Description |\n|---|---|---|---|---|\n");
                for (JsonNode p : params) {
                    s.append("| `").append(p.path("name").asText()).append("` | ").append(p.path("in").asText()).append(" | ")
                            .append(type(p.path("schema"))).append(" | ").append(p.path("required").asBoolean() ? "yes" : "no").append(" | ")
                            .append(cell(p.path("description").asText(p.path("schema").path("description").asText("")))).append(" |\n");
                }
                s.append('\n');
            }
            JsonNode body = resolve(op.path("requestBody"));
            if (!body.isMissingNode()) {
                JsonNode schema = body.path("content").path("application/json").path("schema");
                s.append("**Request body** (`application/json`").append(body.path("required").asBoolean() ? ", required" : "").append("): ");
                s.append(fields(schema));
            }
            s.append("**Responses:**\n\n");
            for (Iterator<Map.Entry<String, JsonNode>> rs = op.path("responses").fields(); rs.hasNext(); ) {
                Map.Entry<String, JsonNode> r = rs.next();
                JsonNode answer = resolve(r.getValue());
                JsonNode schema = answer.path("content").path("application/json").path("schema");
                s.append("- `").append(r.getKey()).append("` ").append(text(answer.path("description")));
                if (!schema.isMissingNode()) s.append(" — ").append(shape(schema));
                s.append('\n');
            }
            return s.append('\n').toString();
        }

        private String schemas() {
            JsonNode schemas = doc.path("components").path("schemas");
            if (schemas.isEmpty()) return "";
            StringBuilder s = new StringBuilder("## Schemas\n\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = schemas.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                s.append("### ").append(e.getKey()).append("\n\n");
                if (e.getValue().has("description")) s.append(text(e.getValue().get("description"))).append("\n\n");
                s.append(fields(e.getValue()));
            }
            return s.toString();
        }

        /** An object's properties as a table; anything else as its type. */
        private String fields(JsonNode schema) {
            JsonNode resolved = resolve(schema);
            if (!resolved.has("properties")) return type(schema) + "\n\n";
            TreeSet<String> required = new TreeSet<>();
            resolved.path("required").forEach(r -> required.add(r.asText()));
            StringBuilder s = new StringBuilder(schema.has("$ref") ? type(schema) + "\n\n" : "\n\n");
            s.append("| Field | Type | Required | Description |\n|---|---|---|---|\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = resolved.get("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                s.append("| `").append(p.getKey()).append("` | ").append(type(p.getValue())).append(" | ")
                        .append(required.contains(p.getKey()) ? "yes" : "no").append(" | ").append(cell(p.getValue().path("description").asText(""))).append(" |\n");
            }
            return s.append('\n').toString();
        }

        private String type(JsonNode schema) {
            if (schema.isMissingNode() || schema.isNull()) return "any";
            if (schema.has("$ref")) {
                String ref = schema.get("$ref").asText();
                String name = ref.substring(ref.lastIndexOf('/') + 1);
                return ref.startsWith("#/components/schemas/") ? "[" + name + "](#" + name.toLowerCase(java.util.Locale.ROOT) + ")" : type(resolve(schema));
            }
            if (schema.has("const")) return "`" + schema.get("const").asText() + "`";
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                schema.get("enum").forEach(v -> values.add(v.isNull() ? "null" : "`" + v.asText() + "`"));
                return String.join(" \\| ", values);
            }
            for (String combinator : List.of("oneOf", "anyOf")) {
                if (schema.has(combinator)) {
                    List<String> options = new ArrayList<>();
                    schema.get(combinator).forEach(o -> options.add(type(o)));
                    return String.join(" or ", options);
                }
            }
            JsonNode t = schema.path("type");
            String base = t.isArray() ? join(t) : t.asText(schema.has("properties") ? "object" : "any");
            if (base.equals("array")) return "array of " + type(schema.path("items"));
            if (schema.has("format")) base += " (" + schema.get("format").asText() + ")";
            return base;
        }

        /** A response body in one line: a named schema by name, an inline object as its top-level fields. */
        private String shape(JsonNode schema) {
            if (schema.has("$ref") || !schema.has("properties")) return type(schema);
            List<String> parts = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                parts.add("`" + p.getKey() + "`: " + type(p.getValue()));
            }
            return "{ " + String.join(", ", parts) + " }";
        }

        private String scopes(JsonNode security) {
            if (security.isArray() && security.isEmpty()) return "none (open)";
            TreeSet<String> alternatives = new TreeSet<>();
            for (JsonNode requirement : security) {
                for (Iterator<Map.Entry<String, JsonNode>> it = requirement.fields(); it.hasNext(); ) {
                    JsonNode scopes = it.next().getValue();
                    alternatives.add(scopes.isEmpty() ? "any credential" : "`" + join(scopes).replace(", ", "` + `") + "`");
                }
            }
            return String.join(" or ", alternatives);
        }

        private JsonNode resolve(JsonNode node) {
            int hops = 0;
            while (node.has("$ref") && hops++ < 8) {
                JsonNode target = doc;
                for (String part : node.get("$ref").asText().substring(2).split("/")) target = target.path(part);
                node = target;
            }
            return node;
        }

        private static String join(JsonNode array) {
            List<String> parts = new ArrayList<>();
            array.forEach(v -> parts.add(v.asText()));
            return String.join(", ", parts);
        }

        private static String text(JsonNode node) {
            return node.asText("").strip();
        }

        private static String cell(String text) {
            return text.strip().replace("|", "\\|").replace("\n", " ");
        }
    }
}
