package dev.bastion.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.IntValue;
import graphql.language.Node;
import graphql.language.ObjectField;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The values one named argument takes in a GraphQL request, for tenant binding (Z2): as a field or directive
 * argument or an input-object field, anywhere in every operation and fragment (not only the selected one) of
 * every request of a batch, variables resolved — and any field of that name inside the variables, where an
 * input object passed as {@code $input} carries it. Parsed with the route's parser bounds. Null (fail closed)
 * whenever the request cannot be read unambiguously: it does not parse, a parameter is given twice, a value is
 * not a string or an integer (a list, an object, an enum, null), a variable has no value, or the request is a
 * persisted-query hash alone (the document is not there to read).
 */
public final class GraphqlArguments {
    // GraphqlLimits' strict reader: duplicate keys are refused, so a variable cannot say acme to Bastion and globex upstream.
    private static final ObjectMapper JSON = GraphqlLimits.JSON;

    private final GraphqlLimits limits;

    public GraphqlArguments(GraphqlLimits limits) {
        this.limits = limits;
    }

    /**
     * @param method      {@code GET} or {@code POST}
     * @param contentType the request's {@code Content-Type} (POST)
     * @param body        the request body (POST), or null
     * @param rawQuery    the raw query string (GET), or null
     * @param name        the argument's name
     * @return its values as text; empty when it occurs nowhere; null when the request cannot be read unambiguously
     */
    public List<String> values(String method, String contentType, byte[] body, String rawQuery, String name) {
        try {
            List<String> out = new ArrayList<>();
            if ("GET".equals(method)) {
                Map<String, String> params = new HashMap<>();
                if (rawQuery != null) {
                    for (String part : rawQuery.split("&")) {
                        if (part.isEmpty()) continue;
                        int eq = part.indexOf('=');
                        String key = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                        String value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                        if (params.put(key, value) != null && (key.equals("query") || key.equals("variables"))) return null;
                    }
                }
                String vars = params.get("variables");
                return request(params.get("query"), vars == null || vars.isEmpty() ? null : JSON.readTree(vars), name, out) ? out : null;
            }
            if (!"POST".equals(method) || body == null) return null;
            String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            String text = new String(body, StandardCharsets.UTF_8);
            if (type.equals("application/graphql")) return request(text, null, name, out) ? out : null;
            if (!type.equals("application/json")) return null;
            JsonNode root = JSON.readTree(text);
            if (root == null) return null;
            for (JsonNode one : root.isArray() ? root : List.of(root)) {
                if (!one.isObject()) return null;
                JsonNode q = one.get("query");
                if (q != null && !q.isNull() && !q.isTextual()) return null;
                JsonNode vars = one.get("variables");
                if (vars != null && vars.isTextual()) vars = vars.asText().isEmpty() ? null : JSON.readTree(vars.asText());
                if (!request(q == null || q.isNull() ? null : q.asText(), vars, name, out)) return null;
            }
            return out;
        } catch (java.io.IOException | RuntimeException e) { // not JSON, not GraphQL, bad encoding, beyond the parser's bounds
            return null;
        }
    }

    /** Adds the argument's values in one request to {@code out}; false when they cannot be read unambiguously. */
    private boolean request(String query, JsonNode variables, String name, List<String> out) {
        if (query == null || query.isBlank()) return false; // a persisted-query hash alone: nothing to read
        if (variables != null && !variables.isNull() && !variables.isObject()) return false;
        Document doc = Parser.parse(ParserEnvironment.newParserEnvironment().document(query).parserOptions(limits.parserOptions()).build());
        Map<String, Value<?>> defaults = new HashMap<>();
        for (var d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition o) {
                for (VariableDefinition v : o.getVariableDefinitions()) if (v.getDefaultValue() != null) defaults.put(v.getName(), v.getDefaultValue());
            }
        }
        if (!walk(doc, name, variables, defaults, out)) return false;
        return variables == null || variables.isNull() || inVariables(variables, name, out);
    }

    private static boolean walk(Node<?> node, String name, JsonNode variables, Map<String, Value<?>> defaults, List<String> out) {
        Value<?> v = null;
        if (node instanceof Argument a && a.getName().equals(name)) v = a.getValue();
        else if (node instanceof ObjectField f && f.getName().equals(name)) v = f.getValue();
        if (v != null && !value(v, variables, defaults, out)) return false;
        for (Node<?> child : node.getChildren()) if (!walk(child, name, variables, defaults, out)) return false;
        return true;
    }

    private static boolean value(Value<?> v, JsonNode variables, Map<String, Value<?>> defaults, List<String> out) {
        if (v instanceof StringValue s) return out.add(s.getValue());
        if (v instanceof IntValue i) return out.add(i.getValue().toString());
        if (v instanceof VariableReference ref) {
            JsonNode given = variables == null || variables.isNull() ? null : variables.get(ref.getName());
            if (given == null) {
                Value<?> d = defaults.get(ref.getName());
                return d != null && !(d instanceof VariableReference) && value(d, null, Map.of(), out);
            }
            return json(given, out);
        }
        return false; // a list, an object, an enum, a boolean, a float, null: not one id
    }

    private static boolean json(JsonNode n, List<String> out) {
        if (n.isTextual() || n.isIntegralNumber()) return out.add(n.asText());
        return false;
    }

    /** Fields named {@code name} at any depth of the variables: an input object passed whole carries the argument inside. */
    private static boolean inVariables(JsonNode n, String name, List<String> out) {
        if (n.isObject()) {
            for (var e : n.properties()) {
                if (e.getKey().equals(name) && !json(e.getValue(), out)) return false;
                if (e.getValue().isContainerNode() && !inVariables(e.getValue(), name, out)) return false;
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) if (x.isContainerNode() && !inVariables(x, name, out)) return false;
        }
        return true;
    }
}
