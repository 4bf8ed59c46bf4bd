package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rate limits that hold for the whole deployment (L1–L5, W4).
 *
 * @param backend          {@code auto} (default: {@code redis} when {@code redis.url} is set, else {@code local}),
 *                         {@code local} (this process only) or {@code redis} (shared, exact across instances)
 * @param onBackendFailure what to do while Redis is unreachable: {@code local} (fall back to this node's own
 *                         limits) or {@code deny} (503); default {@code deny} in prod, {@code local} in dev
 * @param backendTimeout   longest wait for a Redis decision before it counts as a failure; default 250ms
 * @param backendProbeInterval how often a node checks an unreachable Redis (an open circuit) and sends again the
 *                         writes Redis could not receive (releases, settlements); default 1s
 * @param perIp            the per-IP limit on every route of the public listener, before authentication;
 *                         default {@code 2000/5m}; {@code off} disables it
 * @param defaults         limits added to every route that has an authenticated caller
 * @param tiers            named plans: each a list of limits ({@code rate}, optional {@code burst} and {@code name}),
 *                         counted for whoever holds the plan — the API key when the key has a tier of its own,
 *                         else the whole org; an empty list means unlimited
 * @param defaultTier      the plan of orgs and keys that have none assigned; absent: no tier limits for them
 */
public record LimitsConfig(Backend backend, FailureMode onBackendFailure, Duration backendTimeout, Duration backendProbeInterval, String perIp,
                           List<RouteConfig.Limit> defaults, Map<String, List<TierLimit>> tiers, String defaultTier) {

    public enum Backend {
        @JsonProperty("auto") AUTO,
        @JsonProperty("local") LOCAL,
        @JsonProperty("redis") REDIS
    }

    public enum FailureMode {
        @JsonProperty("local") LOCAL,
        @JsonProperty("deny") DENY
    }

    public static final LimitsConfig DEFAULTS = new LimitsConfig(null, null, null, null, null, null, null, null);

    public LimitsConfig {
        backend = backend == null ? Backend.AUTO : backend;
        backendTimeout = backendTimeout == null ? Duration.ofMillis(250) : backendTimeout;
        EdgeConfig.requirePositive("backend_timeout", backendTimeout);
        backendProbeInterval = backendProbeInterval == null ? Duration.ofSeconds(1) : backendProbeInterval;
        EdgeConfig.requirePositive("backend_probe_interval", backendProbeInterval);
        perIp = perIp == null ? "2000/5m" : perIp.trim();
        if (!"off".equals(perIp)) Rate.parse(perIp);
        defaults = defaults == null ? List.of() : List.copyOf(defaults);
        tiers = tiers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
        for (Map.Entry<String, List<TierLimit>> t : tiers.entrySet()) {
            if (!t.getKey().matches("[a-z0-9][a-z0-9_-]{0,31}")) throw new IllegalArgumentException("tiers: '" + t.getKey() + "' is not a tier name ([a-z0-9_-])");
            if (t.getValue() == null) throw new IllegalArgumentException("tiers." + t.getKey() + ": give a list of limits ([] for unlimited)");
        }
        if (defaultTier != null && !tiers.containsKey(defaultTier)) throw new IllegalArgumentException("default_tier: '" + defaultTier + "' is not among tiers");
    }

    /**
     * One limit of a plan. It has no {@code per}: a plan's limits are always counted for its holder.
     *
     * @param name name in the {@code RateLimit-Policy} header; default {@code TIER-COUNT-PERIOD}
     */
    public record TierLimit(Rate rate, Long burst, String name) {
        public TierLimit {
            if (rate == null) throw new IllegalArgumentException("rate: missing (expected: e.g. 100/1m)");
        }
    }

    /** A plan's limits as route limits (the {@code per} is nominal: tier counters are keyed by the holder). */
    public List<RouteConfig.Limit> tierLimits(String tier) {
        List<TierLimit> plan = tiers.get(tier);
        if (plan == null) return null;
        return plan.stream().map(t -> new RouteConfig.Limit(RouteConfig.LimitKey.ORG, t.rate(), t.burst(),
                t.name() != null ? t.name() : tier + "-" + t.rate().count() + "-" + Durations.format(t.rate().period()))).toList();
    }

    /** The per-IP rate, or null when it is off. */
    public Rate perIpRate() {
        return "off".equals(perIp) ? null : Rate.parse(perIp);
    }

    /** The failure mode in effect for this environment. */
    public FailureMode failureMode(boolean prod) {
        return onBackendFailure != null ? onBackendFailure : prod ? FailureMode.DENY : FailureMode.LOCAL;
    }
}
