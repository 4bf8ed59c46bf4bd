package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A route's request inspection.
 *
 * @param profile    {@code api} (everything inspected) or {@code llm} (the text sent to a model is data,
 *                   not a query: message contents are left to the guardrails, everything else is
 *                   inspected); default {@code llm} on {@code llm} routes, {@code api} elsewhere
 * @param exclusions rules not applied here: a rule id, or a rule id on one target ({@code args:query})
 * @param enabled    false turns inspection off for this route; default true
 */
public record RouteWafConfig(Profile profile, List<Exclusion> exclusions, Boolean enabled) {
    public enum Profile {
        @JsonProperty("api") API,
        @JsonProperty("llm") LLM
    }

    /**
     * @param rule   the rule id; null (with a target) for every rule on that target
     * @param target null for every target, else a target name as matched ({@code args:query},
     *               {@code headers:user-agent}, {@code json:/a/b})
     */
    public record Exclusion(Integer rule, String target) {
        public Exclusion {
            target = target == null || target.isBlank() ? null : target.strip().toLowerCase(java.util.Locale.ROOT);
            if (rule == null && target == null) throw new IllegalArgumentException("rule: missing (expected: a rule id, or a target to exclude from every rule)");
            if (rule != null && rule < 1) throw new IllegalArgumentException("rule: " + rule + " (expected: a rule id)");
        }

        public boolean covers(int ruleId, String targetName) {
            if (rule != null && rule != ruleId) return false;
            return target == null || target.equals(targetName);
        }
    }

    public RouteWafConfig {
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
        enabled = enabled == null || enabled;
    }
}
