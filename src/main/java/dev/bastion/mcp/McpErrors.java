package dev.bastion.mcp;

import dev.bastion.chain.ErrorFormat;
import dev.bastion.chain.Json;

/**
 * Bastion's refusals on an MCP route, as JSON-RPC errors an MCP client reads: {@code {"jsonrpc":"2.0","id":null,
 * "error":{"code":-32020,"message":…,"data":{"code":"mcp_header_mismatch","request_id":…}}}}. The HTTP status is
 * unchanged (400, 401, 403, …); Bastion's stable code and request id travel in {@code error.data}. The id is null:
 * a refused message may not have had a readable one.
 */
public final class McpErrors implements ErrorFormat {
    public static final McpErrors FORMAT = new McpErrors();

    private McpErrors() {}

    @Override
    public String body(int status, String code, String message, String requestId) {
        return error(rpcCode(code), code, message, requestId);
    }

    @Override
    public String streamEvent(String code, String message, String requestId) {
        return "event: message\ndata: " + error(rpcCode(code), code, message, requestId) + "\n\n";
    }

    static String error(int rpcCode, String code, String message, String requestId) {
        StringBuilder sb = new StringBuilder(160).append("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":").append(rpcCode).append(",\"message\":");
        Json.string(sb, message).append(",\"data\":{\"code\":");
        Json.string(sb, code).append(",\"request_id\":");
        Json.string(sb, requestId);
        // what a client negotiating the revision reads (the reference SDK's UnsupportedProtocolVersionError)
        if (rpcCode == McpProtocol.UNSUPPORTED_VERSION) Json.value(sb.append(",\"supported\":"), McpProtocol.VERSIONS);
        return sb.append("}}}").toString();
    }

    /** A JSON-RPC error answer to {@code id}, as a server would send it (HTTP 200). */
    public static com.fasterxml.jackson.databind.node.ObjectNode rpc(com.fasterxml.jackson.databind.JsonNode id, int rpcCode, String message) {
        com.fasterxml.jackson.databind.node.ObjectNode o = McpMessage.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        o.set("id", id);
        o.putObject("error").put("code", rpcCode).put("message", message);
        return o;
    }

    /** The JSON-RPC code of a refusal: the specification's where it names one, else the implementation-defined range. */
    static int rpcCode(String code) {
        return switch (code) {
            case McpTransportControl.HEADER_MISMATCH -> McpProtocol.HEADER_MISMATCH;
            case McpTransportControl.VERSION_UNSUPPORTED -> McpProtocol.UNSUPPORTED_VERSION;
            case McpTransportControl.PARSE_ERROR -> McpProtocol.PARSE_ERROR;
            case McpTransportControl.INVALID_REQUEST, McpTransportControl.BATCH, McpTransportControl.VERSION_MISSING -> McpProtocol.INVALID_REQUEST;
            default -> McpProtocol.SERVER_ERROR;
        };
    }
}
