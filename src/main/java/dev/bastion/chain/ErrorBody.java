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

    /** The shape with {@code error.violations}: a pointer and a keyword each, never a value. */
    public static String json(String code, String message, String requestId, java.util.List<Verdict.Violation> violations) {
        if (violations.isEmpty()) return json(code, message, requestId);
        StringBuilder sb = new StringBuilder(json(code, message, requestId));
        sb.setLength(sb.length() - 2);
        sb.append(",\"violations\":[");
        for (int i = 0; i < violations.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"pointer\":");
            Json.string(sb, violations.get(i).pointer()).append(",\"keyword\":");
            Json.string(sb, violations.get(i).keyword()).append('}');
        }
        return sb.append("]}}").toString();
    }
}
