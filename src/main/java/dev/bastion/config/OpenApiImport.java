package dev.bastion.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an operation of an OpenAPI 3.1 document into a route's contract schemas. OpenAPI 3.1's schemas are JSON
 * Schema 2020-12, so they are used as written; each generated schema carries the document's {@code components}
 * at the same place, so a {@code $ref: '#/components/schemas/Card'} resolves inside it, with nothing fetched.
 * Request bodies and parameters given by {@code $ref} are followed within the document. Parameters in the path,
 * headers and cookies are not part of the contract.
 */
final class OpenApiImport {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

    private OpenApiImport() {}

    /** The operation's schemas: null where it has no JSON body or no query parameters. */
    record Operation(JsonNode body, Boolean bodyRequired, JsonNode query) {}

    static Operation find(ContractConfig.OpenApi ref) {
        JsonNode doc = ContractConfig.Schema.read(ref.file(), "openapi.file");
        String version = doc.path("openapi").asText("");
        if (!version.startsWith("3.1.")) {
            throw new IllegalArgumentException("openapi.file: " + ref.file() + " is OpenAPI '" + version + "' (expected: 3.1.x, whose schemas are JSON Schema 2020-12)");
        }
        JsonNode op = ref.operationId() != null ? byId(doc, ref.operationId(), ref.file()) : byPath(doc, ref.path(), ref.method(), ref.file());
        JsonNode components = doc.path("components");

        JsonNode body = null;
        Boolean required = null;
        JsonNode requestBody = follow(doc, op.path("requestBody"));
        if (!requestBody.isMissingNode()) {
            JsonNode schema = jsonSchema(requestBody.path("content"));
            if (schema != null) {
                body = wrap(schema, components);
                required = requestBody.path("required").asBoolean(false);
            }
        }
        ObjectNode properties = NODES.objectNode();
        ArrayNode requiredParams = NODES.arrayNode();
        JsonNode pathItem = pathItemOf(doc, op);
        // Path-level parameters first; the operation's override them by name.
        for (JsonNode list : new JsonNode[] {pathItem == null ? null : pathItem.path("parameters"), op.path("parameters")}) {
            if (list == null || !list.isArray()) continue;
            for (JsonNode p : list) {
                JsonNode param = follow(doc, p);
                if (!"query".equals(param.path("in").asText())) continue;
                String name = param.path("name").asText(null);
                if (name == null) throw new IllegalArgumentException("openapi: a query parameter without a name");
                properties.set(name, param.has("schema") ? param.get("schema") : NODES.objectNode());
                if (param.path("required").asBoolean(false)) requiredParams.add(name);
            }
        }
        JsonNode query = null;
        if (!properties.isEmpty()) {
            ObjectNode q = NODES.objectNode();
            q.put("type", "object");
            q.set("properties", properties);
            if (!requiredParams.isEmpty()) q.set("required", requiredParams);
            // Not wrapped: the contract reads each parameter's type from the top-level properties to coerce the query's strings.
            if (components.isObject()) q.set("components", components);
            query = q;
        }
        return new Operation(body, required, query);
    }

    private static JsonNode byId(JsonNode doc, String id, String file) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            JsonNode item = paths.next().getValue();
            for (String m : METHODS) {
                if (id.equals(item.path(m).path("operationId").asText(null))) return item.get(m);
            }
        }
        throw new IllegalArgumentException("openapi.operation_id: '" + id + "' is not an operation of " + file);
    }

    private static JsonNode byPath(JsonNode doc, String path, String method, String file) {
        JsonNode op = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        if (!op.isObject()) throw new IllegalArgumentException("openapi: " + file + " has no operation " + method.toUpperCase(Locale.ROOT) + " " + path);
        return op;
    }

    private static JsonNode pathItemOf(JsonNode doc, JsonNode op) {
        for (Iterator<JsonNode> items = doc.path("paths").elements(); items.hasNext(); ) {
            JsonNode item = items.next();
            for (String m : METHODS) if (item.get(m) == op) return item;
        }
        return null;
    }

    /** The schema of {@code application/json} (or a {@code +json} type) in a content map; null when there is none. */
    private static JsonNode jsonSchema(JsonNode content) {
        for (Iterator<Map.Entry<String, JsonNode>> it = content.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getKey().toLowerCase(Locale.ROOT);
            if (type.indexOf(';') >= 0) type = type.substring(0, type.indexOf(';')).trim();
            if (type.equals("application/json") || type.endsWith("+json")) return e.getValue().has("schema") ? e.getValue().get("schema") : NODES.objectNode();
        }
        return null;
    }

    /** A request body or parameter given by a local {@code $ref}, followed (a few hops at most: a cycle is an error). */
    private static JsonNode follow(JsonNode doc, JsonNode node) {
        for (int hops = 0; hops < 8; hops++) {
            if (!node.has("$ref")) return node;
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new IllegalArgumentException("openapi: $ref '" + ref + "' is outside the document (only #/… is followed)");
            node = doc.at(ref.substring(1));
            if (node.isMissingNode()) throw new IllegalArgumentException("openapi: $ref '" + ref + "' points nowhere in the document");
        }
        throw new IllegalArgumentException("openapi: a $ref chain longer than 8");
    }

    /** {@code {allOf: [schema], components: …}}: the schema, with the document's components where its $refs expect them. */
    private static JsonNode wrap(JsonNode schema, JsonNode components) {
        ObjectNode out = NODES.objectNode();
        out.putArray("allOf").add(schema);
        if (components.isObject()) out.set("components", components);
        return out;
    }
}
