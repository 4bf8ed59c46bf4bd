package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;

/**
 * A model-based classifier the guardrails ask about the model-bound text of a request (G3 "pluggable
 * classifier", G6 "external moderation hook"). Its URL comes only from config, never from a request.
 *
 * @param url           {@code http(s)://host[:port][/path]}, called as is with {@code POST}; no credentials,
 *                      query or fragment (the same rules as an upstream's URL)
 * @param format        the wire protocol: {@code bastion} (Bastion's own: {@code {"input","request_id"}} →
 *                      {@code {"score","labels"}}) or {@code openai_moderation} (OpenAI's {@code /v1/moderations})
 * @param apiKey        the classifier's credential, {@code env:NAME} or {@code file:PATH}, sent as
 *                      {@code Authorization: Bearer …}; omit for a classifier that needs none
 * @param model         sent as {@code model} in the {@code openai_moderation} format (e.g.
 *                      {@code omni-moderation-latest}); omitted from the request when absent
 * @param timeout       connect and whole-call deadline; default 500ms, at most 10s. The classifier sits in the
 *                      request path, so a slow one delays every guarded request by up to this much
 * @param onFailure     {@code allow} or {@code deny}: what happens when the classifier is down, slow or answers
 *                      something that is not its protocol. Required, with no default: whether a dead
 *                      classifier opens or closes the gate is the operator's decision, never an accident
 * @param flagAt        score from which the request is flagged; default 0.5
 * @param blockAt       score from which it is refused; default 0.8; above 1: never
 * @param maxInputChars the most characters of text the classifier judges; default 20000. A longer request
 *                      is not sent cut short (an attack padded past the cut would pass unseen): the call
 *                      counts as failed ({@code too_long}) and {@code on_failure} decides
 */
public record ClassifierConfig(URI url, Format format, SecretRef apiKey, String model, Duration timeout, OnFailure onFailure,
                               Double flagAt, Double blockAt, Integer maxInputChars) {
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    public enum Format {
        @JsonProperty("bastion") BASTION,
        @JsonProperty("openai_moderation") OPENAI_MODERATION
    }

    public enum OnFailure {
        /** Fail open: the request goes on as if the classifier had passed it (the failure is recorded). */
        @JsonProperty("allow") ALLOW,
        /** Fail closed: the request is refused. */
        @JsonProperty("deny") DENY
    }

    public ClassifierConfig {
        UpstreamConfig.checkServiceUrl(url);
        if (format == null) throw new IllegalArgumentException("format: missing (expected: bastion or openai_moderation)");
        if (model != null && (model.isBlank() || model.length() > 128 || !model.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("model: expected a model name (printable ASCII, no spaces, at most 128 characters)");
        }
        // A setting that would silently do nothing is an error, like a misspelled entity type.
        if (model != null && format != Format.OPENAI_MODERATION) throw new IllegalArgumentException("model: only sent in the openai_moderation format");
        timeout = timeout == null ? Duration.ofMillis(500) : timeout;
        EdgeConfig.requirePositive("timeout", timeout);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout: " + Durations.format(timeout) + " (expected: <= 10s; the classifier delays every guarded request)");
        }
        // No default on purpose: fail-open and fail-closed are both right somewhere, and only the operator knows where.
        if (onFailure == null) throw new IllegalArgumentException("on_failure: missing (expected: allow or deny — what happens when the classifier is down, slow or answers garbage)");
        flagAt = flagAt == null ? 0.5 : flagAt;
        blockAt = blockAt == null ? 0.8 : blockAt;
        if (flagAt.isNaN() || blockAt.isNaN() || flagAt.isInfinite() || blockAt.isInfinite() || flagAt < 0 || blockAt < flagAt) {
            throw new IllegalArgumentException("flag_at, block_at: need 0 <= flag_at <= block_at (got " + flagAt + ", " + blockAt + ")");
        }
        maxInputChars = maxInputChars == null ? 20_000 : maxInputChars;
        if (maxInputChars < 1) throw new IllegalArgumentException("max_input_chars: " + maxInputChars + " (expected: > 0)");
    }

    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    public int port() {
        return url.getPort() != -1 ? url.getPort() : tls() ? 443 : 80;
    }

    /** The request path: the URL's path as configured, {@code /} when it has none. */
    public String path() {
        String p = url.getRawPath();
        return p == null || p.isEmpty() ? "/" : p;
    }
}
