package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A route's request contract (E4, G7): JSON Schemas (draft 2020-12) its JSON body and its query parameters must
 * satisfy, and limits on the body's shape that hold even where the schema is silent. A request that does not
 * satisfy it is refused with 400 {@code request_invalid}, naming the JSON pointer and keyword of each violation
 * and never the offending value. The schemas are compiled when the gateway loads its config; a schema that is not
 * a valid 2020-12 schema is a config error naming the route.
 *
 * @param body    the schema of the JSON body of POST, PUT and PATCH requests (and of any request that carries a body);
 *                absent: bodies are only held to the limits
 * @param query   the schema of the query parameters, seen as one object: each parameter a string, or a number, integer
 *                or boolean where the schema's property says so, an array where it says {@code type: array}; a
 *                parameter given twice where the schema does not say array is a violation
 * @param limits  this route's own values for {@code contracts.max_depth}, {@code max_array_items} and
 *                {@code max_string_length}
 * @param openapi take the contract from an OpenAPI 3.1 document instead: one operation's (its {@code application/json}
 *                request body, its query parameters and its answers' schemas), or the whole document's (each request
 *                held to the operation its method and path select); then neither {@code body}, {@code query} nor
 *                {@code response.schema} may be given
 * @param response check the upstream's JSON answers against a schema, in {@code detect} mode only: a mismatch is
 *                logged (pointers and keywords) and counted, and never changes the answer
 * @param sanitizeHtml JSON pointers of body fields that hold HTML ({@code /comment/body}; a token {@code *} is every
 *                member or element at that level: {@code /comments/*}{@code /body}): after the contract holds, each
 *                such string is cleaned with an allow-list HTML sanitiser, and the upstream gets the cleaned body
 */
public record ContractConfig(Schema body, Schema query, Limits limits, OpenApi openapi, Response response, List<String> sanitizeHtml) {
    private static final java.util.regex.Pattern POINTER = java.util.regex.Pattern.compile("(/([^~/]|~[01])+)+");

    public ContractConfig {
        sanitizeHtml = sanitizeHtml == null ? List.of() : List.copyOf(sanitizeHtml);
        for (String p : sanitizeHtml) {
            if (p == null || !POINTER.matcher(p).matches()) {
                throw new IllegalArgumentException("sanitize_html: '" + p + "' (expected: a JSON pointer to a field, e.g. /comment/body or /comments/*/body)");
            }
        }
        if (openapi != null) {
            // The document is read and compiled with the other schemas (dev.bastion.contract.Contracts), once, at load.
            if (body != null || query != null) throw new IllegalArgumentException("openapi: the operation gives body and query; leave them out");
            if (response != null && response.schema() != null) {
                throw new IllegalArgumentException("response.schema: the operation's responses give it; leave it out (keep mode and max_bytes)");
            }
        } else if (response != null && response.schema() == null) {
            throw new IllegalArgumentException("response: schema or schema_file missing (only an openapi contract supplies its own)");
        }
        if (body == null && query == null && limits == null && openapi == null && response == null && sanitizeHtml.isEmpty()) {
            throw new IllegalArgumentException("contract: empty (expected: body, query, limits, openapi, response or sanitize_html)");
        }
    }

    /**
     * One schema, inline or from a file: exactly one of the two.
     *
     * @param schema     the schema itself, written in the config's YAML
     * @param schemaFile a JSON or YAML file holding the schema, relative to Bastion's working directory; read once at load
     * @param required   for a body: whether a POST, PUT or PATCH must carry one; default true
     */
    public record Schema(JsonNode schema, String schemaFile, Boolean required) {
        private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

        public Schema {
            if ((schema == null) == (schemaFile == null)) {
                throw new IllegalArgumentException("expected exactly one of schema (inline) or schema_file");
            }
            if (schemaFile != null) {
                schema = read(schemaFile, "schema_file");
            }
            if (!schema.isObject() && !schema.isBoolean()) {
                throw new IllegalArgumentException("schema: a JSON Schema is an object or a boolean");
            }
            required = required == null || required;
        }

        /** A JSON or YAML file as a tree; {@code key} names the setting in the message when it cannot be read. */
        public static JsonNode read(String file, String key) {
            try {
                // YAML is a superset of JSON: one reader takes both.
                JsonNode node = YAML.readTree(Files.readAllBytes(Path.of(file)));
                if (node == null || node.isMissingNode()) throw new IllegalArgumentException(key + ": " + file + " is empty");
                return node;
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(key + ": " + file + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException(key + ": " + file + ": not JSON or YAML (" + e.getClass().getSimpleName() + ")");
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

    /**
     * An OpenAPI 3.1 document, or one operation of it (named by its {@code operationId}, or by path and method).
     *
     * @param file         the document (JSON or YAML), relative to Bastion's working directory; read once at load
     * @param operationId  the operation's {@code operationId}
     * @param path         the operation's path as the document writes it ({@code /boards/{boardId}/cards}), with {@code method}
     * @param method       the operation's method, with {@code path}
     * @param basePath     whole document only: the prefix stripped from a request's path before it is matched to the
     *                     document's paths ({@code /api}); default the path of the document's first {@code servers[].url},
     *                     {@code /} for none
     * @param undocumented whole document only: what happens to a request that matches none of its operations; default
     *                     {@code refuse} (404, or 405 with {@code Allow} when the path is documented for other methods)
     */
    public record OpenApi(String file, String operationId, String path, String method, String basePath, Undocumented undocumented) {
        private static final java.util.regex.Pattern BASE = java.util.regex.Pattern.compile("/|(/[^/{}?#;]+)+");

        public OpenApi {
            if (file == null) throw new IllegalArgumentException("file: missing (expected: an OpenAPI 3.1 document)");
            if (operationId != null && (path != null || method != null)) {
                throw new IllegalArgumentException("expected either operation_id, or path and method, or neither (the whole document)");
            }
            if ((path == null) != (method == null)) throw new IllegalArgumentException("path and method: both are needed");
            boolean whole = operationId == null && path == null;
            if (!whole && (basePath != null || undocumented != null)) {
                throw new IllegalArgumentException("base_path and undocumented: only for a whole document (without operation_id, path and method)");
            }
            if (basePath != null && !BASE.matcher(basePath).matches()) {
                throw new IllegalArgumentException("base_path: '" + basePath + "' (expected: / or a path such as /api/v2, without a trailing slash)");
            }
            if (whole && undocumented == null) undocumented = Undocumented.REFUSE;
        }

        /** Whether the route takes the whole document, each request held to the operation it selects. */
        public boolean wholeDocument() {
            return operationId == null && path == null;
        }
    }

    /** What a whole-document contract does with a request that matches none of the document's operations. */
    public enum Undocumented {
        /** 404 as for an unknown route, or 405 with {@code Allow} when the path is documented for other methods. */
        @JsonProperty("refuse") REFUSE,
        /** Forwarded unchecked (held to the limits only), and counted as {@code undocumented}. */
        @JsonProperty("allow") ALLOW
    }

    /**
     * The schema of the upstream's answers, checked without ever blocking one: an answer that does not match is a
     * signal — the app returning fields it should not (a data leak), or a contract out of date.
     *
     * @param schema     the schema of successful (2xx) answers, inline; absent with {@code openapi}, whose operations'
     *                   {@code responses} give a schema per status
     * @param schemaFile or a JSON or YAML file holding it
     * @param mode       {@code detect} (the only mode: log and count, never block)
     * @param maxBytes   larger answers are not checked (counted as {@code unchecked}); default 256KiB, at most 8MiB
     */
    public record Response(JsonNode schema, String schemaFile, String mode, ByteSize maxBytes) {
        public Response {
            if (schema != null || schemaFile != null) schema = new Schema(schema, schemaFile, null).schema();
            if (mode == null) throw new IllegalArgumentException("mode: missing (expected: detect)");
            if (!mode.equals("detect")) throw new IllegalArgumentException("mode: '" + mode + "' (expected: detect; answers are never blocked for their shape)");
            maxBytes = maxBytes == null ? ByteSize.ofKiB(256) : maxBytes;
            if (maxBytes.bytes() < 1 || maxBytes.bytes() > 8L * 1024 * 1024) throw new IllegalArgumentException("max_bytes: " + maxBytes.bytes() + " (expected: 1 to 8MiB)");
        }
    }
}
