package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How a route that routes by model survives a failing deployment (U3, U5): what is tried again on the same
 * deployment, what moves on to the next deployment or fallback model, and how long to wait in between.
 * Every attempt after the first re-enters the policy from the model step (model allow-list, budget at the
 * new deployment's prices, guardrails); failed attempts are never billed.
 *
 * @param attempts      attempts per request across every deployment and fallback; default 3
 * @param perDeployment attempts on one deployment before moving on; default 2
 * @param retryOn       failures tried again on the same deployment; default the safe ones: {@code unavailable},
 *                      {@code rate_limited}, {@code overloaded}, {@code server_error}
 * @param fallbackOn    failures that move on to the next deployment or fallback model; default the safe ones.
 *                      {@code uncertain}, {@code context_length} and {@code content_filter} are opt-in
 * @param backoff       the base of the full-jitter backoff between two attempts on one deployment; default 250ms
 * @param maxBackoff    the backoff's cap; default 4s
 * @param maxRetryAfter the longest {@code Retry-After} honoured; a longer one moves on at once; default 20s
 * @param fallbacks     public models tried, in order, after the requested model's own deployments and fallbacks
 */
public record FailoverConfig(Integer attempts, Integer perDeployment, List<On> retryOn, List<On> fallbackOn, Duration backoff,
                             Duration maxBackoff, Duration maxRetryAfter, List<String> fallbacks) {
    private static final List<On> SAFE = List.of(On.UNAVAILABLE, On.RATE_LIMITED, On.OVERLOADED, On.SERVER_ERROR);
    public static final FailoverConfig DEFAULT = new FailoverConfig(null, null, null, null, null, null, null, null);

    /** Why an attempt failed, as far as deciding what to do next goes. */
    public enum On {
        /** Nothing was sent: refused, reset while connecting, no DNS answer, connect timeout. */
        @JsonProperty("unavailable") UNAVAILABLE(true),
        /** 429: a quota; another key of the pool, or the time the provider asks for. */
        @JsonProperty("rate_limited") RATE_LIMITED(true),
        /** 503 and 529: the provider says it cannot take the request now. */
        @JsonProperty("overloaded") OVERLOADED(true),
        /** 500: the provider answered that it failed; nothing was generated. */
        @JsonProperty("server_error") SERVER_ERROR(true),
        /** Sent, and then no clear answer: 502, 504, a timeout or a reset after sending. The provider may have billed it. */
        @JsonProperty("uncertain") UNCERTAIN(false),
        /** 400: the prompt does not fit this model's context window. */
        @JsonProperty("context_length") CONTEXT_LENGTH(false),
        /** 400: the provider's content filter refused the prompt. */
        @JsonProperty("content_filter") CONTENT_FILTER(false);

        /** Trying again cannot make the provider do (or bill) the work twice. */
        public final boolean safe;

        On(boolean safe) {
            this.safe = safe;
        }

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public FailoverConfig {
        attempts = attempts == null ? 3 : attempts;
        if (attempts < 1 || attempts > 10) throw new IllegalArgumentException("attempts: " + attempts + " (expected: 1 to 10)");
        perDeployment = perDeployment == null ? 2 : perDeployment;
        if (perDeployment < 1 || perDeployment > attempts) {
            throw new IllegalArgumentException("per_deployment: " + perDeployment + " (expected: 1 to attempts, " + attempts + ")");
        }
        retryOn = retryOn == null ? SAFE : List.copyOf(retryOn);
        for (On on : retryOn) {
            if (on == On.CONTEXT_LENGTH || on == On.CONTENT_FILTER) {
                throw new IllegalArgumentException("retry_on: " + on.configName() + " fails the same way on the same deployment; list it under fallback_on");
            }
        }
        fallbackOn = fallbackOn == null ? SAFE : List.copyOf(fallbackOn);
        backoff = backoff == null ? Duration.ofMillis(250) : backoff;
        maxBackoff = maxBackoff == null ? Duration.ofSeconds(4) : maxBackoff;
        maxRetryAfter = maxRetryAfter == null ? Duration.ofSeconds(20) : maxRetryAfter;
        EdgeConfig.requirePositive("backoff", backoff);
        EdgeConfig.requirePositive("max_backoff", maxBackoff);
        EdgeConfig.requirePositive("max_retry_after", maxRetryAfter);
        if (maxBackoff.compareTo(backoff) < 0) throw new IllegalArgumentException("max_backoff: " + maxBackoff + " is below backoff " + backoff);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }

    public Set<On> retrySet() {
        return retryOn.isEmpty() ? EnumSet.noneOf(On.class) : EnumSet.copyOf(retryOn);
    }

    public Set<On> fallbackSet() {
        return fallbackOn.isEmpty() ? EnumSet.noneOf(On.class) : EnumSet.copyOf(fallbackOn);
    }
}
