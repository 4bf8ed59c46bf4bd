package dev.bastion.contract;

import dev.bastion.chain.Verdict.Violation;
import dev.bastion.config.ContractsConfig;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A route's (or an OpenAPI operation's) contract, pure: given a request's method, content type, body, query and path
 * parameters, the violations (pointer and keyword, never a value). Query and path parameters are each seen as one
 * object, their strings read as the types their schema properties name. First the limits that hold even where the schema is silent — depth, array items and
 * string length, the parser itself stopping a document far past them — and only a body within them is validated
 * against the schema, so an oversized body costs a parse and no more. Thread-safe; built once per route.
 */
public final class RequestContract {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CompiledSchema body;
    private final Parameters query;
    private final Parameters path;
    private final boolean bodyRequired;
    private final ContractsConfig limits;
    private final JsonMapper parser;

    public RequestContract(CompiledSchema body, CompiledSchema query, ContractsConfig limits) {
        this(body, true, query, null, limits);
    }

    /**
     * @param bodyRequired whether a POST, PUT or PATCH must carry a body when there is a body schema
     * @param path         the schema of the path parameters, seen as one object like the query; or null
     */
    public RequestContract(CompiledSchema body, boolean bodyRequired, CompiledSchema query, CompiledSchema path, ContractsConfig limits) {
        this.body = body;
        this.bodyRequired = bodyRequired;
        this.query = query == null ? null : new Parameters(query);
        this.path = path == null ? null : new Parameters(path);
        this.limits = limits;
        // The parser stops one past each limit, so a document just over it is still walked and its pointer named,
        // while one far over it (a 100 MB string, nesting 10,000 deep) never becomes a tree.
        this.parser = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(limits.maxDepth() + 1)
                                .maxStringLength(limits.maxStringLength() + 1)
                                .maxNameLength(limits.maxStringLength() + 1)
                                .build())
                        // {"role":"user","role":"admin"}: which one the upstream reads is its parser's choice; refuse both.
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build())
                .build();
    }

    /** A parameter set (the query, or the path's parameters) seen as one object, and how to read its strings. */
    private static final class Parameters {
        final CompiledSchema schema;
        /** Per parameter, the JSON types its schema property names (for coercing the strings), and its items' types. */
        final Map<String, Set<String>> types = new LinkedHashMap<>();
        final Map<String, Set<String>> itemTypes = new LinkedHashMap<>();

        Parameters(CompiledSchema schema) {
            this.schema = schema;
            JsonNode root = schema.source();
            for (Map.Entry<String, JsonNode> p : root.path("properties").properties()) {
                JsonNode property = local(root, p.getValue());
                types.put(p.getKey(), types(property.path("type")));
                itemTypes.put(p.getKey(), types(local(root, property.path("items")).path("type")));
            }
        }

        /** A property given by a local {@code $ref} ({@code #/components/schemas/Limit}), followed for its type. */
        private static JsonNode local(JsonNode root, JsonNode node) {
            for (int hops = 0; hops < 8 && node.path("$ref").isString() && node.path("$ref").stringValue().startsWith("#/"); hops++) {
                node = root.at(node.path("$ref").stringValue().substring(1));
            }
            return node;
        }
    }

    /** What was checked: the violations (empty when the request holds to the contract) and the body's tree, if parsed. */
    public record Result(List<Violation> violations, JsonNode body) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    /**
     * @param method      the request's method, upper case
     * @param contentType its {@code Content-Type}, or null
     * @param bytes       its body, or null when it has none
     * @param rawQuery    its query string without {@code ?}, or null
     */
    public Result check(String method, String contentType, byte[] bytes, String rawQuery) {
        return check(method, contentType, bytes, rawQuery, Map.of());
    }

    /** @param pathParams the path's parameters by name, each the segment as the edge decoded it */
    public Result check(String method, String contentType, byte[] bytes, String rawQuery, Map<String, String> pathParams) {
        List<Violation> out = new ArrayList<>();
        if (path != null) {
            ObjectNode params = NODES.objectNode();
            pathParams.forEach((name, value) -> params.set(name, coerce(value, path.types.getOrDefault(name, Set.of()))));
            out.addAll(path.schema.validate(params));
        }
        if (query != null) checkQuery(rawQuery, out);
        JsonNode tree = null;
        boolean hasBody = bytes != null && bytes.length > 0;
        boolean bodyMethod = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        if (!hasBody) {
            if (body != null && bodyRequired && bodyMethod) out.add(new Violation("", "required"));
        } else if (!MediaTypes.json(contentType)) {
            // The schema describes JSON; a form or a file would reach the upstream unchecked.
            if (body != null) out.add(new Violation("", "content_type"));
        } else {
            try {
                tree = parser.readTree(bytes);
            } catch (StreamConstraintsException e) {
                out.add(new Violation("", constraint(e)));
                return new Result(List.copyOf(out), null);
            } catch (JacksonException e) {
                out.add(new Violation("", "json"));
                return new Result(List.copyOf(out), null);
            }
            int before = out.size();
            walk(tree, new StringBuilder(), 1, out);
            // A body over a limit is not also validated: the limits exist so that it costs no more than a parse.
            if (out.size() == before && body != null) out.addAll(body.validate(tree));
        }
        if (out.size() > CompiledSchema.MAX_VIOLATIONS) out = out.subList(0, CompiledSchema.MAX_VIOLATIONS);
        return new Result(List.copyOf(out), tree);
    }

    private static String constraint(StreamConstraintsException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("depth")) return "max_depth";
        if (m.contains("string") || m.contains("name")) return "max_string_length";
        return "json";
    }

    /** Depth, array sizes and string lengths, wherever the schema is silent about them. */
    private void walk(JsonNode node, StringBuilder pointer, int depth, List<Violation> out) {
        if (out.size() >= CompiledSchema.MAX_VIOLATIONS) return;
        if (node.isContainer() && depth > limits.maxDepth()) {
            out.add(new Violation(CompiledSchema.cap(pointer.toString()), "max_depth"));
            return;
        }
        int len = pointer.length();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                pointer.append('/').append(Pointers.escape(e.getKey()));
                if (e.getKey().length() > limits.maxStringLength()) {
                    out.add(new Violation(CompiledSchema.cap(pointer.toString()), "max_string_length"));
                } else {
                    walk(e.getValue(), pointer, depth + 1, out);
                }
                pointer.setLength(len);
            }
        } else if (node.isArray()) {
            if (node.size() > limits.maxArrayItems()) {
                out.add(new Violation(CompiledSchema.cap(pointer.toString()), "max_array_items"));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                pointer.append('/').append(i);
                walk(node.get(i), pointer, depth + 1, out);
                pointer.setLength(len);
            }
        } else if (node.isString() && node.stringValue().length() > limits.maxStringLength()) {
            out.add(new Violation(CompiledSchema.cap(pointer.toString()), "max_string_length"));
        }
    }

    private void checkQuery(String rawQuery, List<Violation> out) {
        ObjectNode params = NODES.objectNode();
        Set<String> repeated = new HashSet<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name;
                String value;
                try {
                    name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    out.add(new Violation("", "query_encoding"));
                    return;
                }
                Set<String> types = query.types.getOrDefault(name, Set.of());
                if (types.contains("array")) {
                    JsonNode existing = params.get(name);
                    ArrayNode arr = existing instanceof ArrayNode a ? a : params.putArray(name);
                    arr.add(coerce(value, query.itemTypes.getOrDefault(name, Set.of())));
                } else if (params.has(name)) {
                    // ?role=user&role=admin: frameworks disagree on which one counts (parameter pollution).
                    if (repeated.add(name)) out.add(new Violation(CompiledSchema.cap("/" + Pointers.escape(name)), "duplicate"));
                } else {
                    params.set(name, coerce(value, types));
                }
            }
        }
        out.addAll(query.schema.validate(params));
    }

    /** A query value as the JSON type its schema property expects, when it reads as one; else the string. */
    private static JsonNode coerce(String value, Set<String> types) {
        if (types.contains("integer") && value.matches("-?(0|[1-9][0-9]{0,30})")) return NODES.numberNode(new BigInteger(value));
        if (types.contains("number") && value.matches("-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?")) {
            return NODES.numberNode(new BigDecimal(value));
        }
        if (types.contains("boolean") && (value.equals("true") || value.equals("false"))) return NODES.booleanNode(value.equals("true"));
        if (types.contains("null") && value.isEmpty()) return NODES.nullNode();
        return NODES.stringNode(value);
    }

    private static Set<String> types(JsonNode type) {
        Set<String> out = new HashSet<>();
        if (type.isString()) out.add(type.stringValue());
        else if (type.isArray()) type.forEach(t -> out.add(t.asString()));
        return out;
    }
}
