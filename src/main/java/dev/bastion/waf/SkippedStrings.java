package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON strings a request's inspection leaves out (the model-bound text under the {@code llm} profile),
 * given by their pointers. The pointers are resolved to their nodes once, and the walk asks by identity,
 * so no pointer is built for the strings that are inspected; a node found is confirmed against the
 * pointer it was found by, because one node can stand in two places (Jackson shares a single
 * empty-string node), and only the places a pointer names are left out.
 */
final class SkippedStrings {
    static final SkippedStrings NONE = new SkippedStrings(Map.of());

    /** Each node, and the pointer it was found by (or the pointers, when several name the same node). */
    private final Map<JsonNode, Object> nodes;

    private SkippedStrings(Map<JsonNode, Object> nodes) {
        this.nodes = nodes;
    }

    static SkippedStrings of(JsonNode root, Set<String> pointers) {
        if (pointers.isEmpty()) return NONE;
        Map<JsonNode, Object> nodes = new IdentityHashMap<>(pointers.size());
        for (String p : pointers) {
            JsonNode n = resolve(root, p);
            if (n != null) nodes.merge(n, p, (a, b) -> a instanceof Set<?> s ? plus(s, b) : Set.of(a, b));
        }
        return new SkippedStrings(nodes);
    }

    private static Set<Object> plus(Set<?> set, Object more) {
        Set<Object> all = new java.util.HashSet<>(set);
        all.add(more);
        return all;
    }

    /** Whether the string {@code text}, which the walk reached at {@code at}, is left out. */
    boolean contains(JsonNode text, JsonPath at) {
        if (nodes.isEmpty()) return false;
        Object pointers = nodes.get(text);
        if (pointers instanceof String p) return at.is(p);
        if (pointers instanceof Set<?> s) {
            for (Object p : s) if (at.is((String) p)) return true;
        }
        return false;
    }

    /** The node at an RFC 6901 pointer, or null when there is none. */
    static JsonNode resolve(JsonNode root, String pointer) {
        if (pointer.isEmpty()) return root;
        if (pointer.charAt(0) != '/') return null;
        JsonNode n = root;
        int from = 1;
        while (n != null) {
            int end = pointer.indexOf('/', from);
            if (end < 0) end = pointer.length();
            String segment = pointer.substring(from, end);
            if (n.isObject()) n = n.get(segment.replace("~1", "/").replace("~0", "~"));
            else if (n.isArray()) n = n.get(index(segment));
            else return null;
            if (end == pointer.length()) return n;
            from = end + 1;
        }
        return null;
    }

    /** An array index, or -1 (which finds nothing) when the segment is not one. */
    private static int index(String segment) {
        if (segment.isEmpty() || segment.length() > 9) return -1;
        for (int i = 0; i < segment.length(); i++) if (segment.charAt(i) < '0' || segment.charAt(i) > '9') return -1;
        return Integer.parseInt(segment);
    }
}
