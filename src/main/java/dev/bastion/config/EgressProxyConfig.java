package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The egress proxy's ACLs and limits ({@code egress.proxy}; the listener is {@code listeners.egress}). A caller
 * gets the first of {@code rules} that matches its org and roles, else {@code default}; with no config at all the
 * default rule allows nothing, so the proxy refuses every destination.
 *
 * @param defaultRule    the rule for callers no entry of {@code rules} matches ({@code default} in YAML)
 * @param rules          rules in order; the first that matches the caller applies
 * @param connectTimeout the longest wait for the destination's TCP connection (504 after it); default 10s
 * @param idleTimeout    a tunnel or request with no byte either way for this long is closed; default 5m
 * @param maxDuration    a tunnel is closed after this long whatever it carries; default 1h
 */
public record EgressProxyConfig(@JsonProperty("default") ProxyRuleConfig defaultRule, List<ProxyRuleConfig> rules, Duration connectTimeout,
                                Duration idleTimeout, Duration maxDuration) {
    public static final EgressProxyConfig DEFAULTS = new EgressProxyConfig(null, null, null, null, null);

    public EgressProxyConfig {
        defaultRule = defaultRule == null ? new ProxyRuleConfig("default", null, null, null, null, null, null, null) : defaultRule;
        if (defaultRule.name() == null) {
            defaultRule = new ProxyRuleConfig("default", defaultRule.orgs(), defaultRule.roles(), defaultRule.allow(), defaultRule.deny(),
                    defaultRule.ports(), defaultRule.allowClasses(), defaultRule.mode());
        }
        if (!defaultRule.orgs().isEmpty() || !defaultRule.roles().isEmpty()) {
            throw new IllegalArgumentException("default: orgs and roles select a rule; the default rule is for every other caller");
        }
        rules = rules == null ? List.of() : List.copyOf(rules);
        Set<String> names = new HashSet<>(Set.of(defaultRule.name()));
        for (int i = 0; i < rules.size(); i++) {
            ProxyRuleConfig r = rules.get(i);
            if (r.name() == null) throw new IllegalArgumentException("rules[" + i + "].name: missing (records and metrics name the rule)");
            if (!names.add(r.name())) throw new IllegalArgumentException("rules[" + i + "].name: '" + r.name() + "' is used twice");
        }
        connectTimeout = positive("connect_timeout", connectTimeout, Duration.ofSeconds(10));
        idleTimeout = positive("idle_timeout", idleTimeout, Duration.ofMinutes(5));
        maxDuration = positive("max_duration", maxDuration, Duration.ofHours(1));
    }

    private static Duration positive(String key, Duration d, Duration fallback) {
        if (d == null) return fallback;
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(key + ": " + d + " (expected: > 0)");
        return d;
    }
}
