package dev.bastion.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.config.ContractConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OpenAPI 3.1 document read as route contracts: each operation's request body, query and path parameters, and
 * answers become JSON Schemas. OpenAPI 3.1's schemas are JSON Schema 2020-12, so they are used as written; each
 * generated schema carries the document's {@code components} at the same place, so a
 * {@code $ref: '#/components/schemas/Card'} resolves inside it, with nothing fetched. Request bodies, parameters and
 * responses given by {@code $ref} are followed within the document. Header and cookie parameters are not part of the
 * contract. Read once, at load.
 */
final class OpenApiDocument {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

    private final JsonNode doc;
    private final String file;
    private final JsonNode components;

    /**
     * One operation's schemas, each null where it has none.
     *
     * @param method     upper case
     * @param path       the path template as the document writes it
     * @param responses  per status key ({@code 200}, {@code 2XX}, {@code default}) the schema of its JSON content
     */
    record Operation(String method, String path, String operationId, JsonNode body, boolean bodyRequired, JsonNode query, JsonNode pathParams,
                     Map<String, JsonNode> responses) {}

    private OpenApiDocument(JsonNode doc, String file) {
        this.doc = doc;
        this.file = file;
        this.components = doc.path("components");
    }

    /** @throws IllegalArgumentException the file cannot be read, or is not an OpenAPI 3.1 document */
    static OpenApiDocument read(String file) {
        JsonNode doc = ContractConfig.Schema.read(file, "openapi.file");
        String version = doc.path("openapi").asText("");
        if (!version.startsWith("3.1.")) {
            throw new IllegalArgumentException("openapi.file: " + file + " is OpenAPI '" + version + "' (expected: 3.1.x, whose schemas are JSON Schema 2020-12)");
        }
        return new OpenApiDocument(doc, file);
    }

    /** The operation a route names by {@code operation_id}, or by path and method. */
    Operation operation(ContractConfig.OpenApi ref) {
        for (Operation op : operations()) {
            if (ref.operationId() != null ? ref.operationId().equals(op.operationId())
                    : op.path().equals(ref.path()) && op.method().equalsIgnoreCase(ref.method())) return op;
        }
        if (ref.operationId() != null) throw new IllegalArgumentException("openapi.operation_id: '" + ref.operationId() + "' is not an operation of " + file);
        throw new IllegalArgumentException("openapi: " + file + " has no operation " + ref.method().toUpperCase(Locale.ROOT) + " " + ref.path());
    }

    /** Every operation of the document, in its order. */
    List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> e = paths.next();
            JsonNode item = follow(e.getValue());
            for (String m : METHODS) {
                if (item.get(m) instanceof ObjectNode op) out.add(operation(e.getKey(), m, item, op));
            }
        }
        return out;
    }

    /**
     * The path of the first {@code servers[].url} ({@code https://api.example.com/v2} → {@code /v2}), its variables
     * at their defaults; {@code /} when there is none.
     */
    String serverBasePath() {
        JsonNode server = doc.path("servers").path(0);
        String url = server.path("url").asText("");
        for (Iterator<Map.Entry<String, JsonNode>> vars = server.path("variables").fields(); vars.hasNext(); ) {
            Map.Entry<String, JsonNode> v = vars.next();
            url = url.replace("{" + v.getKey() + "}", v.getValue().path("default").asText(""));
        }
        String path;
        try {
            path = url.contains("://") ? URI.create(url).getRawPath() : url;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("openapi: servers[0].url is not a URL; set base_path");
        }
        if (path == null || !path.startsWith("/")) return "/";
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        while (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        return path;
    }

    private Operation operation(String path, String method, JsonNode item, JsonNode op) {
        JsonNode body = null;
        boolean required = false;
        JsonNode requestBody = follow(op.path("requestBody"));
        if (!requestBody.isMissingNode()) {
            JsonNode schema = jsonSchema(requestBody.path("content"));
            if (schema != null) {
                body = wrap(schema);
                required = requestBody.path("required").asBoolean(false); // OpenAPI's default
            }
        }
        Map<String, JsonNode> responses = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            JsonNode schema = jsonSchema(follow(r.getValue()).path("content"));
            if (schema != null) responses.put(r.getKey().toUpperCase(Locale.ROOT).replace("DEFAULT", "default"), wrap(schema));
        }
        return new Operation(method.toUpperCase(Locale.ROOT), path, op.path("operationId").asText(null), body, required,
                parameters(item, op, "query"), parameters(item, op, "path"), responses);
    }

    /**
     * The operation's and its path item's parameters {@code in} one place as one object schema (the operation's
     * override the path item's by name): each parameter's {@code schema} a property, required ones required. Not
     * wrapped: the contract reads each parameter's type from the top-level properties to coerce the strings.
     */
    private JsonNode parameters(JsonNode item, JsonNode op, String in) {
        ObjectNode properties = NODES.objectNode();
        ArrayNode required = NODES.arrayNode();
        for (JsonNode list : new JsonNode[] {item.path("parameters"), op.path("parameters")}) {
            if (!list.isArray()) continue;
            for (JsonNode p : list) {
                JsonNode param = follow(p);
                if (!in.equals(param.path("in").asText())) continue;
                String name = param.path("name").asText(null);
                if (name == null) throw new IllegalArgumentException("openapi: a " + in + " parameter without a name");
                properties.set(name, param.has("schema") ? param.get("schema") : NODES.objectNode());
                // Path parameters are always required (OpenAPI 3.1 §4.8.12.1); an override does not add the name twice.
                if ((in.equals("path") || param.path("required").asBoolean(false)) && !contains(required, name)) required.add(name);
            }
        }
        if (properties.isEmpty()) return null;
        ObjectNode q = NODES.objectNode();
        q.put("type", "object");
        q.set("properties", properties);
        if (!required.isEmpty()) q.set("required", required);
        if (components.isObject()) q.set("components", components);
        return q;
    }

    private static boolean contains(ArrayNode a, String s) {
        for (JsonNode n : a) if (n.asText().equals(s)) return true;
        return false;
    }

    /** The schema of {@code application/json} (or a {@code +json} type) in a content map; null when there is none. */
    private static JsonNode jsonSchema(JsonNode content) {
        for (Iterator<Map.Entry<String, JsonNode>> it = content.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (MediaTypes.json(e.getKey())) return e.getValue().has("schema") ? e.getValue().get("schema") : NODES.objectNode();
        }
        return null;
    }

    /** A request body, parameter, response or path item given by a local {@code $ref}, followed (a few hops at most). */
    private JsonNode follow(JsonNode node) {
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
    private JsonNode wrap(JsonNode schema) {
        ObjectNode out = NODES.objectNode();
        out.putArray("allOf").add(schema);
        if (components.isObject()) out.set("components", components);
        return out;
    }
}
