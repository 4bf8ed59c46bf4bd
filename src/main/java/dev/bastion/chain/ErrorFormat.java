package dev.bastion.chain;

/**
 * How a route writes Bastion's own errors when its clients speak another API than Bastion's (a front door:
 * Anthropic's Messages API). The code, message and request id are Bastion's, whatever the shape; the status
 * never changes. Routes without one use {@link ErrorBody}'s shape.
 */
public interface ErrorFormat {
    /** The body of an error response with {@code status}. */
    String body(int status, String code, String message, String requestId);

    /**
     * The event that ends an event stream which failed after its headers were sent, in the client's stream
     * format, so its SDK raises it instead of reading a truncated answer as complete.
     */
    String streamEvent(String code, String message, String requestId);
}
