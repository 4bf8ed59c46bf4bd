package dev.bastion.waf;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code bastion_waf_rule_matches_total{rule,action}}: requests each rule matched, refused ({@code block})
 * or only recorded ({@code detect}). Made once at start for every rule the inspector runs, so a match
 * costs an increment, not a registry lookup.
 */
public final class WafMeters {
    private final Map<Integer, Counter> blocked = new HashMap<>();
    private final Map<Integer, Counter> detected = new HashMap<>();

    public WafMeters(Inspector inspector, MeterRegistry registry) {
        for (int id : inspector.ruleIds()) {
            blocked.put(id, counter(registry, id, "block"));
            detected.put(id, counter(registry, id, "detect"));
        }
    }

    private static Counter counter(MeterRegistry registry, int rule, String action) {
        return Counter.builder("bastion.waf.rule.matches").description("Requests a rule matched").tag("rule", Integer.toString(rule))
                .tag("action", action).register(registry);
    }

    void matched(int rule, boolean block) {
        Counter c = (block ? blocked : detected).get(rule);
        if (c != null) c.increment();
    }
}
