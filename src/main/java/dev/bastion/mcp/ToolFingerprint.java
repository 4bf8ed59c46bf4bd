package dev.bastion.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A tool definition's fingerprint: {@code sha256:} and the hex SHA-256 of its canonical JSON — an object of
 * {@code name} (the server's own), {@code description}, {@code inputSchema}, {@code outputSchema} and {@code annotations}
 * (each only when the server sent it), keys sorted at every depth, no whitespace, UTF-8. Everything a model reads to
 * decide to call the tool is in it; list decorations ({@code title}, {@code icons}, {@code _meta}) are not, so they may
 * change without quarantining a tool. The description alone has a fingerprint too, the mark of a tool renamed.
 */
public final class ToolFingerprint {
    /** The members a fingerprint covers, in the order they are written (sorting makes the order irrelevant). */
    static final List<String> MEMBERS = List.of("name", "description", "inputSchema", "outputSchema", "annotations");
    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ToolFingerprint() {}

    /** The canonical JSON of a tool's definition, with its own name. */
    public static String canonical(String ownName, JsonNode definition) {
        ObjectNode o = CANONICAL.createObjectNode();
        for (String m : MEMBERS) {
            JsonNode v = m.equals("name") ? o.textNode(ownName) : definition.get(m);
            if (v != null && !v.isNull()) o.set(m, v);
        }
        try {
            // through a Map, so ORDER_MAP_ENTRIES_BY_KEYS sorts every level
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(o, Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a parsed tree always serialises
        }
    }

    /** {@code sha256:…} of the canonical JSON. */
    public static String of(String ownName, JsonNode definition) {
        return sha256(canonical(ownName, definition));
    }

    /** {@code sha256:…} of the description, or null for a tool without one (no description marks no rename). */
    public static String description(JsonNode definition) {
        JsonNode d = definition.get("description");
        return d == null || !d.isTextual() || d.asText().isBlank() ? null : sha256(d.asText());
    }

    static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
