package dev.bastion.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The canonical form a pin covers: sorted keys at every depth, no whitespace, only what a model reads. */
class ToolFingerprintTest {
    static JsonNode json(String s) throws Exception {
        return McpMessage.MAPPER.readTree(s);
    }

    @Test
    void theCanonicalFormSortsKeysAtEveryDepthAndDropsWhitespaceAndDecorations() throws Exception {
        JsonNode def = json("""
                { "title": "Look up", "inputSchema": { "type": "object", "properties": { "q": { "type": "string" }, "a": { "type": "integer" } } },
                  "description": "Finds things.", "name": "ignored: the server's own name is given", "_meta": { "x": 1 } }""");
        assertThat(ToolFingerprint.canonical("lookup", def)).isEqualTo(
                "{\"description\":\"Finds things.\",\"inputSchema\":{\"properties\":{\"a\":{\"type\":\"integer\"},\"q\":{\"type\":\"string\"}},\"type\":\"object\"},\"name\":\"lookup\"}");
        assertThat(ToolFingerprint.of("lookup", def)).matches("sha256:[0-9a-f]{64}")
                .isEqualTo(ToolFingerprint.sha256(ToolFingerprint.canonical("lookup", def)));
    }

    @Test
    void orderAndSpacingDoNotChangeItButADescriptionASchemaOrAnAnnotationDoes() throws Exception {
        String base = ToolFingerprint.of("t", json("{\"description\":\"d\",\"inputSchema\":{\"type\":\"object\",\"required\":[\"q\"]}}"));
        assertThat(ToolFingerprint.of("t", json("{ \"inputSchema\" : { \"required\": [\"q\"], \"type\": \"object\" }, \"description\": \"d\", \"title\": \"new\" }")))
                .isEqualTo(base);
        assertThat(ToolFingerprint.of("t", json("{\"description\":\"d.\",\"inputSchema\":{\"type\":\"object\",\"required\":[\"q\"]}}"))).isNotEqualTo(base);
        assertThat(ToolFingerprint.of("t", json("{\"description\":\"d\",\"inputSchema\":{\"type\":\"object\",\"required\":[]}}"))).isNotEqualTo(base);
        assertThat(ToolFingerprint.of("t", json("{\"description\":\"d\",\"inputSchema\":{\"type\":\"object\",\"required\":[\"q\"]},\"annotations\":{\"destructiveHint\":true}}")))
                .isNotEqualTo(base);
        assertThat(ToolFingerprint.of("u", json("{\"description\":\"d\",\"inputSchema\":{\"type\":\"object\",\"required\":[\"q\"]}}"))).as("the name").isNotEqualTo(base);
    }

    @Test
    void aToolWithoutADescriptionMarksNoRename() throws Exception {
        assertThat(ToolFingerprint.description(json("{\"description\":\"  \"}"))).isNull();
        assertThat(ToolFingerprint.description(json("{}"))).isNull();
        assertThat(ToolFingerprint.description(json("{\"description\":\"d\"}"))).isEqualTo(ToolFingerprint.sha256("d"));
    }
}
