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
 * @param id      the request's id, or null for a notification
 * @param method  the JSON-RPC method
 * @param name    the value {@code Mcp-Name} must repeat: the field {@link #NAME_SOURCE} names for the method
 *                ({@code params.name} of a tool call or a prompt, {@code params.uri} of a resource read, a task's
 *                {@code params.taskId}); null for other methods, or when the field is absent
 * @param subject what the message is about, for routing and policy: {@code params.name} of a tool call or prompt,
 *                {@code params.uri} of a resource read or (un)subscription; else null
 * @param version the revision the body claims in {@code params._meta}, or null
 * @param body    the whole message
 */
public record McpMessage(JsonNode id, String method, String name, String subject, String version, ObjectNode body) {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Methods that name a tool or a prompt. */
    static final Set<String> BY_NAME = Set.of("tools/call", "prompts/get");
    /** Methods that name a resource. */
    static final Set<String> BY_URI = Set.of("resources/read", "resources/subscribe", "resources/unsubscribe");
    /** The body field {@code Mcp-Name} mirrors, per method (2026-07-28; the reference SDK's table). */
    static final java.util.Map<String, String> NAME_SOURCE = java.util.Map.of("tools/call", "name", "prompts/get", "name", "resources/read", "uri",
            "tasks/get", "taskId", "tasks/update", "taskId", "tasks/cancel", "taskId");

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
        String method = text(o.get("method"));
        String source = NAME_SOURCE.get(method);
        String name = source == null || params == null ? null : text(params.get(source));
        String subject = params == null ? null : BY_NAME.contains(method) ? text(params.get("name")) : BY_URI.contains(method) ? text(params.get("uri")) : null;
        JsonNode meta = params == null ? null : params.get("_meta");
        String version = meta == null ? null : text(meta.get(McpProtocol.VERSION_META_KEY));
        return new Parsed(new McpMessage(id, method, name, subject, version, o), null);
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
