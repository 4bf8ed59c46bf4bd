package dev.bastion.mcp;

import io.vertx.core.Future;

/** What an {@link McpPolicy} decided about a call. Sealed: the control handles each kind. */
public sealed interface McpDecision {
    Future<McpDecision> ALLOWED = Future.succeededFuture(new Allow());
    /** An item a policy hides from lists without saying why: a call of it is refused the same way. */
    Refuse HIDDEN = new Refuse(403, "mcp_access_denied", "The caller may not use this item.");

    /** Send it to the server. */
    record Allow() implements McpDecision {}

    /**
     * Refuse it.
     *
     * @param status  the HTTP status (403 for a tool the caller may not call)
     * @param reason  stable {@code snake_case} code
     * @param message safe text for the client: never the arguments
     * @param headers response headers the refusal needs ({@code Retry-After} of a quota)
     */
    record Refuse(int status, String reason, String message, java.util.Map<String, String> headers) implements McpDecision {
        public Refuse {
            headers = headers == null ? java.util.Map.of() : java.util.Map.copyOf(headers);
        }

        public Refuse(int status, String reason, String message) {
            this(status, reason, message, null);
        }
    }
}
