package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The values of one request that rules look at, each with its kind and name: {@code path},
 * {@code query}, {@code request_line}, {@code args:NAME} (query parameters, form fields, JSON values
 * by dotted path), {@code args_names}, {@code headers:NAME}, {@code cookies:NAME}, {@code cookie_names},
 * {@code json_keys}, and {@code body} for bodies that are neither form nor JSON. Values are as received:
 * rules decode them with their own transformations. JSON strings at {@code skip} pointers (the text a
 * model reads, under the {@code llm} profile) are not targets; the JSON around them is.
 */
public final class RequestTargets {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values beyond this many are not extracted: a body is bounded by the route's size cap anyway. */
    static final int MAX_VALUES = 20_000;

    /** @param kind the target kind rules select; @param name the full name ({@code args:q}), lower case */
    public record Target(String kind, String name, String value) {}

    private final List<Target> targets = new ArrayList<>();

    public List<Target> all() {
        return targets;
    }

    /**
     * @param skip JSON pointers of strings not to inspect (the model-bound text of an LLM request); empty: none
     */
    public static RequestTargets of(String method, String path, String rawQuery, Iterable<Map.Entry<String, String>> headers,
                                    String contentType, byte[] body, Set<String> skip) {
        RequestTargets t = new RequestTargets();
        t.add("path", "path", path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            t.add("query", "query", rawQuery);
            t.form(rawQuery);
        }
        t.add("request_line", "request_line", method + " " + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) t.cookies(h.getValue());
            else t.add("headers", "headers:" + name, h.getValue());
        }
        if (body != null && body.length > 0) {
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            String text = new String(body, StandardCharsets.UTF_8);
            if (type.startsWith("application/x-www-form-urlencoded")) {
                t.form(text);
            } else if (type.startsWith("application/json") || type.endsWith("+json")) {
                JsonNode tree;
                try {
                    tree = JSON.readTree(body);
                } catch (java.io.IOException e) {
                    tree = null;
                }
                if (tree == null) t.add("body", "body", text); // not JSON after all: the raw text
                else t.json(tree, "", "", skip, 0);
            } else {
                t.add("body", "body", text);
            }
        }
        return t;
    }

    private void add(String kind, String name, String value) {
        if (value != null && targets.size() < MAX_VALUES) targets.add(new Target(kind, name, value));
    }

    /** {@code a=1&b=2}: names and values, still percent-encoded (rules decode). */
    private void form(String s) {
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            String decodedName = Transform.URL_DECODE_UNI.apply(name).toLowerCase(Locale.ROOT);
            add("args_names", "args_names", name);
            add("args", "args:" + decodedName, value);
        }
    }

    private void cookies(String header) {
        for (String c : header.split(";")) {
            String part = c.strip();
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq).strip();
            add("cookie_names", "cookie_names", name);
            add("cookies", "cookies:" + name.toLowerCase(Locale.ROOT), eq < 0 ? "" : part.substring(eq + 1).strip());
        }
    }

    private void json(JsonNode n, String pointer, String dotted, Set<String> skip, int depth) {
        if (depth > 64) return;
        if (n.isObject()) {
            n.properties().forEach(e -> {
                add("json_keys", "json_keys", e.getKey());
                String key = e.getKey().replace("~", "~0").replace("/", "~1");
                json(e.getValue(), pointer + "/" + key, dotted.isEmpty() ? e.getKey() : dotted + "." + e.getKey(), skip, depth + 1);
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) json(n.get(i), pointer + "/" + i, dotted + "." + i, skip, depth + 1);
        } else if (!n.isNull() && !(n.isTextual() && skip.contains(pointer))) {
            add("args", "args:" + dotted.toLowerCase(Locale.ROOT), n.asText());
        }
    }
}
