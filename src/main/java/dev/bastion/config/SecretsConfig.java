package dev.bastion.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Bastion keeps its secrets fresh: {@code file:} references are re-read on a schedule (a Kubernetes
 * secret rotates in place, often by swapping a symlink, which file-change events miss), and every
 * reference is due for rotation once older than its maximum age.
 *
 * @param pollInterval how often {@code file:} references are re-read; default 5s
 * @param maxAge       the age after which a secret is due for rotation; default 90d
 * @param refs         per-reference settings, keyed by where the reference is used
 *                     ({@code upstreams.openai.api_key}, {@code tokens.master_key})
 */
public record SecretsConfig(Duration pollInterval, Duration maxAge, Map<String, Ref> refs) {
    public static final SecretsConfig DEFAULTS = new SecretsConfig(null, null, null);

    /** @param maxAge this reference's maximum age, instead of {@code secrets.max_age} */
    public record Ref(Duration maxAge) {
        public Ref {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) throw new IllegalArgumentException("max_age must be positive");
        }
    }

    public SecretsConfig {
        pollInterval = pollInterval == null ? Duration.ofSeconds(5) : pollInterval;
        maxAge = maxAge == null ? Duration.ofDays(90) : maxAge;
        refs = refs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(refs));
        if (pollInterval.toMillis() < 100) throw new IllegalArgumentException("secrets.poll_interval must be at least 100ms");
        if (maxAge.isNegative() || maxAge.isZero()) throw new IllegalArgumentException("secrets.max_age must be positive");
    }

    /** The maximum age of the reference used at {@code place}. */
    public Duration maxAgeOf(String place) {
        Ref r = refs.get(place);
        return r != null && r.maxAge() != null ? r.maxAge() : maxAge;
    }
}
