package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last tool definitions a route read from each server's lists, each kept {@code maxAge}: what a call is checked
 * against, so a call made without listing first — or long after — still meets the tool as the server defines it now.
 * Bounded per server ({@link #MAX_PER_SERVER}; past it the server's entries start over).
 */
final class ToolDefinitions {
    static final int MAX_PER_SERVER = 4096;

    private record Seen(JsonNode definition, long atNanos) {}

    private final long maxAgeNanos;
    private final Map<String, Map<String, Seen>> byServer = new ConcurrentHashMap<>();

    ToolDefinitions(java.time.Duration maxAge) {
        this.maxAgeNanos = maxAge.toNanos();
    }

    void put(String server, String name, JsonNode definition) {
        Map<String, Seen> m = byServer.computeIfAbsent(server, s -> new ConcurrentHashMap<>());
        if (m.size() >= MAX_PER_SERVER && !m.containsKey(name)) m.clear();
        m.put(name, new Seen(definition, System.nanoTime()));
    }

    /** A name that is no single tool (listed twice): a call of it is checked against a fresh list, which refuses it. */
    void forget(String server, String name) {
        Map<String, Seen> m = byServer.get(server);
        if (m != null) m.remove(name);
    }

    /** A server read whole: tools it no longer lists are forgotten. */
    void replace(String server, Map<String, JsonNode> definitions) {
        Map<String, Seen> m = new ConcurrentHashMap<>();
        long now = System.nanoTime();
        definitions.forEach((n, d) -> { if (m.size() < MAX_PER_SERVER) m.put(n, new Seen(d, now)); });
        byServer.put(server, m);
    }

    /** The tool's definition if it was read within {@code maxAge}, else null (read the list again). */
    JsonNode fresh(String server, String name) {
        Map<String, Seen> m = byServer.get(server);
        Seen s = m == null ? null : m.get(name);
        return s != null && System.nanoTime() - s.atNanos() < maxAgeNanos ? s.definition() : null;
    }
}
