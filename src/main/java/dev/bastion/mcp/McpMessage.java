package dev.bastion.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Set;

/**
 * One JSON-RPC message a client POSTed, read once by {@link McpTransportControl} and kept on the exchange for the
 * steps after it. Parsed strictly: a key given twice is refused, since a server that reads the other one would then
 * run a method or a tool other than the one Bastion checked.
 *
 * @param id     the request's id, or null for a notification
 * @param method the JSON-RPC method
 * @param name   what the method names — {@code params.name} (a tool, a prompt) or else {@code params.uri} (a resource) —
 *               and {@code Mcp-Name} must repeat; null when the message names nothing
 * @param body   the whole message
 */
public record McpMessage(JsonNode id, String method, String name, ObjectNode body) {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Methods that name a tool or a prompt. */
    static final Set<String> BY_NAME = Set.of("tools/call", "prompts/get");
    /** Methods that name a resource. */
    static final Set<String> BY_URI = Set.of("resources/read", "resources/subscribe", "resources/unsubscribe");

    /** Why a body is not one JSON-RPC request or notification. */
    enum Problem { NOT_JSON, BATCH, NOT_A_REQUEST }

    /** The parse: a message, or why there is none. */
    record Parsed(McpMessage message, Problem problem) {}

    static Parsed parse(Buffer raw) {
        JsonNode tree;
        try {
            tree = raw == null || raw.length() == 0 ? null : MAPPER.readTree(raw.getBytes());
        } catch (IOException e) {
            return new Parsed(null, Problem.NOT_JSON);
        }
        if (tree == null) return new Parsed(null, Problem.NOT_JSON);
        if (tree.isArray()) return new Parsed(null, Problem.BATCH);
        if (!(tree instanceof ObjectNode o) || !"2.0".equals(text(o.get("jsonrpc"))) || text(o.get("method")) == null) {
            return new Parsed(null, Problem.NOT_A_REQUEST); // responses too: a 2026-07-28 server sends the client no requests
        }
        JsonNode id = o.get("id");
        if (id != null && !id.isTextual() && !id.isIntegralNumber()) return new Parsed(null, Problem.NOT_A_REQUEST);
        JsonNode params = o.get("params");
        if (params != null && !params.isObject()) return new Parsed(null, Problem.NOT_A_REQUEST);
        String name = params == null ? null : text(params.get("name"));
        if (name == null && params != null) name = text(params.get("uri"));
        return new Parsed(new McpMessage(id, text(o.get("method")), name, o), null);
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    public boolean notification() {
        return id == null;
    }

    /** The message's params, created empty when it had none. */
    ObjectNode params() {
        JsonNode p = body.get("params");
        return p instanceof ObjectNode o ? o : body.putObject("params");
    }
}
