package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The JSON strings a request's inspection leaves out (the model-bound text under the {@code llm} profile),
 * given by their pointers. The pointers are resolved to their nodes once, and the walk asks by identity,
 * so no pointer is built for the strings that are inspected; a node found is confirmed by its pointer,
 * because one node can stand in two places (Jackson shares a single empty-string node), and only the
 * places a pointer names are left out.
 */
final class SkippedStrings {
    static final SkippedStrings NONE = new SkippedStrings(Set.of(), Set.of());

    private final Set<String> pointers;
    private final Set<JsonNode> nodes;

    private SkippedStrings(Set<String> pointers, Set<JsonNode> nodes) {
        this.pointers = pointers;
        this.nodes = nodes;
    }

    static SkippedStrings of(JsonNode root, Set<String> pointers) {
        if (pointers.isEmpty()) return NONE;
        Set<JsonNode> nodes = Collections.newSetFromMap(new IdentityHashMap<>(pointers.size()));
        for (String p : pointers) {
            JsonNode n = resolve(root, p);
            if (n != null) nodes.add(n);
        }
        return new SkippedStrings(pointers, nodes);
    }

    /** Whether the string {@code text}, which the walk reached at {@code at}, is left out. */
    boolean contains(JsonNode text, JsonPath at) {
        return !nodes.isEmpty() && nodes.contains(text) && pointers.contains(at.pointer());
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
