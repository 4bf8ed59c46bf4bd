package dev.bastion.chain;


/**
 * The one error shape (E5): {@code {"error":{"code","message","request_id"}}}. The code is a stable
 * snake_case reason; the message is Bastion's own text, never request content or internals.
 */
public final class ErrorBody {
    private ErrorBody() {}

    public static String json(String code, String message, String requestId) {
        StringBuilder sb = new StringBuilder(96 + message.length()).append("{\"error\":{\"code\":");
        Json.string(sb, code).append(",\"message\":");
        Json.string(sb, message).append(",\"request_id\":");
        return Json.string(sb, requestId).append("}}").toString();
    }
}
