package dev.bastion.stats;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/** Named counts (refusals by step, error codes, security decisions) and their stored form, a JSON object. */
public final class Counts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TreeMap<String, Long> counts = new TreeMap<>();

    public void add(String name, long n) {
        counts.merge(name, n, Long::sum);
    }

    public void addEncoded(String json) {
        if (json == null || json.isEmpty() || json.equals("{}")) return;
        try {
            JSON.readValue(json, new TypeReference<Map<String, Long>>() {}).forEach(this::add);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("stats: stored counts are not a JSON object of numbers", e);
        }
    }

    /** The counts by name, sorted. */
    public Map<String, Long> asMap() {
        return counts;
    }

    public String encode() {
        try {
            return JSON.writeValueAsString(counts);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
