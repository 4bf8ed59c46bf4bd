package dev.bastion.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.ErrorFormat;
import io.vertx.core.buffer.Buffer;

/**
 * The error event that ends an event stream which failed after its headers were sent (U3): OpenAI's
 * shape ({@code data: {"error":{"message","type","code"}}}), which the OpenAI SDKs raise as an API error —
 * so a cut, stalled or broken answer never reaches a client looking complete. No internals: the message
 * says what happened, the type is the access line's error code. A route with a front door gets its format
 * instead (Anthropic's {@code event: error}).
 */
final class StreamErrors {
    private StreamErrors() {}

    static Buffer event(String errorCode) {
        return event(errorCode, null, null);
    }

    /** The same in the route's front door's format ({@code format} null: OpenAI's). */
    static Buffer event(String errorCode, ErrorFormat format, String requestId) {
        if (format != null) return Buffer.buffer(format.streamEvent(errorCode, message(errorCode), requestId));
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.putObject("error").put("message", message(errorCode)).put("type", errorCode).putNull("code");
        return Buffer.buffer("data: " + e + "\n\n");
    }

    private static String message(String errorCode) {
        return switch (errorCode) {
            case "upstream_stream_timeout" -> "The upstream stopped sending before the answer was complete.";
            case "upstream_total_timeout" -> "The answer took longer than this route allows and was stopped.";
            case "response_filter_fault" -> "The answer could not be checked, so it was stopped.";
            default -> "The upstream failed before the answer was complete.";
        };
    }
}
