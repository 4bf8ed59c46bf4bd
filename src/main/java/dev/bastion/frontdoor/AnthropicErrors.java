package dev.bastion.frontdoor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.ErrorFormat;
import java.util.Set;

/**
 * Bastion's own errors in Anthropic's shape, for clients of the Messages front door:
 * {@code {"type":"error","error":{"type","message","details":{"error_code"}},"request_id"}}. The status is
 * Bastion's and decides the type, as Anthropic's API does (401 → {@code authentication_error}, 429 →
 * {@code rate_limit_error}…), so the SDKs raise the error class they would for Anthropic; Bastion's own code
 * ({@code api_key_invalid}, {@code model_not_found}…) is in {@code details.error_code}, which the official SDK
 * shows in its message and as {@code errorCode}.
 */
public final class AnthropicErrors implements ErrorFormat {
    public static final AnthropicErrors FORMAT = new AnthropicErrors();

    /** The error types of Anthropic's API: a provider's error of one of these keeps its type. */
    static final Set<String> TYPES = Set.of("invalid_request_error", "authentication_error", "billing_error", "permission_error",
            "not_found_error", "request_too_large", "rate_limit_error", "api_error", "timeout_error", "overloaded_error");

    private AnthropicErrors() {}

    /** Anthropic's error type for a status, as its API documents them. */
    public static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    @Override
    public String body(int status, String code, String message, String requestId) {
        return error(type(status), message, code, requestId).toString();
    }

    /** {@code event: error} with the stream's code: the SDK raises it as an {@code APIError}. */
    @Override
    public String streamEvent(String code, String message, String requestId) {
        return event(code, message, code, requestId);
    }

    /** An {@code event: error}: {@code type} is Anthropic's when it is one, else {@code api_error} with it as the code. */
    static String event(String type, String message, String code, String requestId) {
        String anthropicType = TYPES.contains(type) ? type : "upstream_stream_timeout".equals(type) || "upstream_total_timeout".equals(type)
                ? "timeout_error" : "api_error";
        return "event: error\ndata: " + error(anthropicType, message, code, requestId) + "\n\n";
    }

    static ObjectNode error(String type, String message, String code, String requestId) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", "error");
        ObjectNode e = out.putObject("error").put("type", type).put("message", message);
        if (code != null && !code.equals(type)) e.putObject("details").put("error_code", code);
        if (requestId != null) out.put("request_id", requestId);
        return out;
    }
}
