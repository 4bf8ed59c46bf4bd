package dev.bastion.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named guardrail policies, and which orgs get which. Every {@code llm} route is guarded by the
 * {@code default} policy unless it names another or says {@code guard: off}; an org listed under
 * {@code orgs} gets its own policy on every guarded route.
 *
 * @param policies named policies; {@code default} is the built-in one unless declared
 * @param orgs     org id → policy name, overriding the route's
 */
public record GuardConfig(Map<String, GuardPolicy> policies, Map<String, String> orgs) {
    public static final String DEFAULT = "default";
    public static final String OFF = "off";

    public GuardConfig {
        Map<String, GuardPolicy> p = new LinkedHashMap<>(policies == null ? Map.of() : policies);
        for (var e : p.entrySet()) {
            if (!e.getKey().matches("[a-z0-9][a-z0-9_-]{0,31}") || e.getKey().equals(OFF)) throw new IllegalArgumentException("policies: '" + e.getKey() + "' is not a policy name ([a-z0-9_-], not 'off')");
            if (e.getValue() == null) e.setValue(GuardPolicy.DEFAULTS);
        }
        p.putIfAbsent(DEFAULT, GuardPolicy.DEFAULTS);
        policies = java.util.Collections.unmodifiableMap(p);
        orgs = orgs == null ? Map.of() : Map.copyOf(orgs);
        for (var e : orgs.entrySet()) {
            if (!policies.containsKey(e.getValue())) throw new IllegalArgumentException("orgs." + e.getKey() + ": unknown policy '" + e.getValue() + "' (declared: " + String.join(", ", policies.keySet()) + ")");
        }
    }
}
