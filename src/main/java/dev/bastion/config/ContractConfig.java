package dev.bastion.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A route's request contract (E4, G7): JSON Schemas (draft 2020-12) its JSON body and its query parameters must
 * satisfy, and limits on the body's shape that hold even where the schema is silent. A request that does not
 * satisfy it is refused with 400 {@code request_invalid}, naming the JSON pointer and keyword of each violation
 * and never the offending value. The schemas are compiled when the gateway loads its config; a schema that is not
 * a valid 2020-12 schema is a config error naming the route.
 *
 * @param body   the schema of the JSON body of POST, PUT and PATCH requests (and of any request that carries a body);
 *               absent: bodies are only held to the limits, and must be JSON when the route has a contract
 * @param query  the schema of the query parameters, seen as one object: each parameter a string, or a number, integer
 *               or boolean where the schema's property says so, an array where it says {@code type: array}; a
 *               parameter given twice where the schema does not say array is a violation
 * @param limits this route's own values for {@code contracts.max_depth}, {@code max_array_items} and
 *               {@code max_string_length}
 */
public record ContractConfig(Schema body, Schema query, Limits limits) {
    public ContractConfig {
        if (body == null && query == null && limits == null) {
            throw new IllegalArgumentException("contract: empty (expected: body, query or limits)");
        }
    }

    /**
     * One schema, inline or from a file: exactly one of the two.
     *
     * @param schema     the schema itself, written in the config's YAML
     * @param schemaFile a JSON or YAML file holding the schema, relative to Bastion's working directory; read once at load
     */
    public record Schema(JsonNode schema, String schemaFile) {
        private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

        public Schema {
            if ((schema == null) == (schemaFile == null)) {
                throw new IllegalArgumentException("expected exactly one of schema (inline) or schema_file");
            }
            if (schemaFile != null) {
                schema = read(schemaFile);
            }
            if (!schema.isObject() && !schema.isBoolean()) {
                throw new IllegalArgumentException("schema: a JSON Schema is an object or a boolean");
            }
        }

        private static JsonNode read(String file) {
            try {
                // YAML is a superset of JSON: one reader takes both.
                JsonNode node = YAML.readTree(Files.readAllBytes(Path.of(file)));
                if (node == null || node.isMissingNode()) throw new IllegalArgumentException("schema_file: " + file + " is empty");
                return node;
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("schema_file: " + file + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("schema_file: " + file + ": not JSON or YAML (" + e.getClass().getSimpleName() + ")");
            }
        }
    }

    /** Per-route overrides of {@link ContractsConfig}; each absent one takes the global value. */
    public record Limits(Integer maxDepth, Integer maxArrayItems, Integer maxStringLength) {
        public Limits {
            if (maxDepth != null) ContractsConfig.inRange("max_depth", maxDepth, 0, 1, 256);
            if (maxArrayItems != null) ContractsConfig.inRange("max_array_items", maxArrayItems, 0, 0, 10_000_000);
            if (maxStringLength != null) ContractsConfig.inRange("max_string_length", maxStringLength, 0, 1, 64 << 20);
        }
    }
}
