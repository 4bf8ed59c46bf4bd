package dev.bastion.failover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.config.FailoverConfig.On;
import dev.bastion.upstream.UpstreamFailure;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Sorts a provider's failures into the classes a route fails over on (U3). Error bodies are read in
 * OpenAI's shape — a translated provider's errors arrive already in it — by their {@code code} and
 * {@code type}, and only then by the wording the providers use for the two 400s worth another model.
 */
public final class Failures {
    private Failures() {}

    /** A transport failure: safe to try again only when nothing was sent. */
    public static On of(UpstreamFailure f) {
        return f.kind().beforeSend ? On.UNAVAILABLE : On.UNCERTAIN;
    }

    /**
     * An error status and its body ({@code {"error":{...}}}, maybe null); null when another attempt would not
     * change the answer (a 400 about the request itself, a 401 about the key…): the client gets it as it is.
     */
    public static On of(int status, JsonNode body) {
        return switch (status) {
            case 429 -> On.RATE_LIMITED;
            case 503, 529 -> On.OVERLOADED; // 529: Anthropic's "overloaded"
            case 500 -> On.SERVER_ERROR;
            case 502, 504 -> On.UNCERTAIN;
            case 400, 403, 413, 422 -> badRequest(body);
            default -> null;
        };
    }

    private static On badRequest(JsonNode body) {
        JsonNode error = body == null ? null : body.get("error");
        if (error == null || !error.isObject()) return null;
        String code = lower(error.path("code").asText(""));
        String type = lower(error.path("type").asText(""));
        String message = lower(error.path("message").asText(""));
        if (code.equals("context_length_exceeded") || code.equals("string_above_max_length") || message.contains("maximum context length")
                || message.contains("context window") || message.contains("prompt is too long") || message.contains("input is too long")
                || message.contains("too many tokens")) {
            return On.CONTEXT_LENGTH;
        }
        if (code.equals("content_filter") || code.equals("content_policy_violation") || type.equals("content_filter")
                || code.equals("responsibleaipolicyviolation")) {
            return On.CONTENT_FILTER;
        }
        return null;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * What the provider asked to wait, in milliseconds: {@code retry-after-ms} (OpenAI, Azure), else
     * {@code Retry-After} as seconds or an HTTP date; 0 when absent or unreadable, never negative.
     */
    public static long retryAfterMillis(MultiMap headers, long nowMillis) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return Math.max(0, (long) Double.parseDouble(ms.trim()));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        String after = headers.get("Retry-After");
        if (after == null || after.isBlank()) return 0;
        after = after.trim();
        try {
            double seconds = Double.parseDouble(after);
            return seconds <= 0 || Double.isNaN(seconds) ? 0 : (long) Math.min(seconds * 1000, Long.MAX_VALUE / 2);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(after, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, at.toEpochMilli() - nowMillis);
            } catch (DateTimeParseException e2) {
                return 0;
            }
        }
    }
}
