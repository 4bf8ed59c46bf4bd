package dev.bastion.contract;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds a request's operation among an OpenAPI document's by method and path: a trie of path segments, so a lookup
 * costs the request's segments, not the document's paths. Concrete segments win over templated ones, as the OpenAPI
 * specification says ({@code /pet/findByStatus} before {@code /pet/{petId}}); a segment mixing text and parameters
 * ({@code {name}.{ext}}) sits between the two, matched by a linear-time RE2 pattern. When a concrete branch leads
 * nowhere the next one is tried, and each trie node is visited at most once per lookup. Built once; thread-safe.
 */
final class OperationTable {
    private static final String[] METHOD_ORDER = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"};

    /** The outcome of a lookup. */
    sealed interface Result permits Found, NoPath, NoMethod {}

    /** @param params the path's parameters by name, each the segment (or part of one) as the request had it */
    record Found(OperationContract operation, Map<String, String> params) implements Result {}

    /** No path of the document matches. */
    record NoPath() implements Result {}

    /** Paths of the document match, but none for this method. */
    record NoMethod(Set<String> allowed) implements Result {}

    private static final NoPath NO_PATH = new NoPath();

    /** One path template's segment: a literal, a whole-segment parameter, or text mixed with parameters. */
    private record Segment(String literal, String name, Pattern mixed, List<String> names) {}

    /** A documented path: its segments (to read the parameters back) and its operations by method. */
    private record Endpoint(String template, Segment[] segments, Map<String, OperationContract> byMethod) {}

    private static final class Node {
        final Pattern pattern; // what a mixed segment must match; null for other nodes
        final Map<String, Node> literals = new HashMap<>();
        final Map<String, Node> mixed = new LinkedHashMap<>(); // by pattern text
        Node param;
        Endpoint endpoint;

        Node(Pattern pattern) {
            this.pattern = pattern;
        }
    }

    private final Node root = new Node(null);

    /**
     * Adds an operation.
     *
     * @param template the path as the document writes it ({@code /boards/{boardId}/cards})
     * @throws IllegalArgumentException the template is malformed, or the same path (up to parameter names) and method twice
     */
    void add(String template, String method, OperationContract operation) {
        if (!template.startsWith("/")) throw new IllegalArgumentException("openapi: path '" + template + "' does not start with /");
        String[] parts = template.substring(1).split("/", -1);
        Segment[] segments = new Segment[parts.length];
        Node node = root;
        for (int i = 0; i < parts.length; i++) {
            Segment s = parse(template, parts[i]);
            segments[i] = s;
            if (s.literal() != null) {
                node = node.literals.computeIfAbsent(s.literal(), k -> new Node(null));
            } else if (s.name() != null) {
                if (node.param == null) node.param = new Node(null);
                node = node.param;
            } else {
                node = node.mixed.computeIfAbsent(s.mixed().pattern(), k -> new Node(s.mixed()));
            }
        }
        if (node.endpoint == null) {
            node.endpoint = new Endpoint(template, segments, new LinkedHashMap<>());
        } else if (!node.endpoint.template().equals(template)) {
            // /pets/{id} and /pets/{name}: OpenAPI calls these identical, and which one a request meant is undecidable.
            throw new IllegalArgumentException("openapi: paths '" + node.endpoint.template() + "' and '" + template + "' are the same path");
        }
        if (node.endpoint.byMethod().putIfAbsent(method, operation) != null) {
            throw new IllegalArgumentException("openapi: " + method + " " + template + " twice");
        }
    }

    private static Segment parse(String template, String part) {
        int open = part.indexOf('{');
        if (open < 0) {
            if (part.indexOf('}') >= 0) throw new IllegalArgumentException("openapi: path '" + template + "' has an unmatched }");
            return new Segment(part, null, null, List.of());
        }
        if (open == 0 && part.indexOf('}') == part.length() - 1 && part.indexOf('{', 1) < 0) {
            return new Segment(null, part.substring(1, part.length() - 1), null, List.of());
        }
        StringBuilder regex = new StringBuilder();
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at < part.length()) {
            int o = part.indexOf('{', at);
            if (o < 0) {
                regex.append(Pattern.quote(part.substring(at)));
                break;
            }
            int c = part.indexOf('}', o);
            if (c < 0 || c == o + 1) throw new IllegalArgumentException("openapi: path '" + template + "' has a malformed {parameter}");
            if (o > at) regex.append(Pattern.quote(part.substring(at, o)));
            regex.append("(.+?)");
            names.add(part.substring(o + 1, c));
            at = c + 1;
        }
        return new Segment(null, null, Pattern.compile(regex.toString()), List.copyOf(names));
    }

    /**
     * @param method upper case; a {@code HEAD} the document does not describe is held to its {@code GET}
     * @param path   the path after the base path, starting with {@code /}, each segment's {@code ;parameters} removed
     */
    Result find(String method, String path) {
        if (path.isEmpty() || path.charAt(0) != '/') return NO_PATH;
        String[] segments = path.substring(1).split("/", -1);
        Set<String> allowed = new LinkedHashSet<>();
        Endpoint e = search(root, segments, 0, method, allowed);
        if (e == null) {
            if (allowed.isEmpty()) return NO_PATH;
            Set<String> ordered = new LinkedHashSet<>();
            for (String m : METHOD_ORDER) if (allowed.contains(m)) ordered.add(m);
            ordered.addAll(allowed);
            return new NoMethod(ordered);
        }
        OperationContract op = e.byMethod().get(method);
        if (op == null) op = e.byMethod().get("GET"); // HEAD, found through its GET
        return new Found(op, params(e, segments));
    }

    private static Endpoint search(Node node, String[] segments, int i, String method, Set<String> allowed) {
        if (i == segments.length) {
            Endpoint e = node.endpoint;
            if (e == null) return null;
            if (e.byMethod().containsKey(method) || (method.equals("HEAD") && e.byMethod().containsKey("GET"))) return e;
            allowed.addAll(e.byMethod().keySet());
            if (e.byMethod().containsKey("GET")) allowed.add("HEAD");
            return null;
        }
        String s = segments[i];
        Node literal = node.literals.get(s);
        if (literal != null) {
            Endpoint e = search(literal, segments, i + 1, method, allowed);
            if (e != null) return e;
        }
        if (s.isEmpty()) return null; // a parameter never stands for an empty segment
        for (Node m : node.mixed.values()) {
            if (m.pattern.matches(s)) {
                Endpoint e = search(m, segments, i + 1, method, allowed);
                if (e != null) return e;
            }
        }
        return node.param == null ? null : search(node.param, segments, i + 1, method, allowed);
    }

    private static Map<String, String> params(Endpoint e, String[] segments) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < segments.length; i++) {
            Segment s = e.segments()[i];
            if (s.name() != null) {
                out.put(s.name(), segments[i]);
            } else if (s.mixed() != null) {
                Matcher m = s.mixed().matcher(segments[i]);
                if (m.matches()) for (int g = 0; g < s.names().size(); g++) out.put(s.names().get(g), m.group(g + 1));
            }
        }
        return out;
    }
}
