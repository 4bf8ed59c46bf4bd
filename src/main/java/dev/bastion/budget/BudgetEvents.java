package dev.bastion.budget;

import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What budgets tell operators: an audit event and a metric when settled usage crosses an alert threshold
 * (default 80% and 100%) and the first time a budget refuses a request in a period; counters of settled
 * tokens and cost per rule. Each threshold is reported once per account and period, across all
 * instances: settlements are atomic, so exactly one of them moves usage across a given line.
 * Metric tags are rule ids and thresholds from config — never a subject.
 */
final class BudgetEvents {
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final List<Double> thresholds;
    private final ConcurrentHashMap<String, RuleMeters> meters = new ConcurrentHashMap<>();

    /** One rule's counters, registered at start: a settlement increments them, never looks one up by name. */
    private record RuleMeters(Counter tokens, Counter costMicros, Counter refused, Map<Double, Counter> alerts) {}

    BudgetEvents(AuditLog audit, MeterRegistry registry, List<Double> thresholds, List<String> ruleIds) {
        this.audit = audit;
        this.registry = registry;
        this.thresholds = thresholds.stream().sorted().toList();
        for (String rule : ruleIds) meters.put(rule, register(rule));
    }

    void settled(List<Ledger.Settled> settled) {
        for (Ledger.Settled s : settled) {
            Account a = s.account();
            RuleMeters m = meters(a.ruleId());
            m.tokens().increment(s.after().tokens() - s.before().tokens());
            m.costMicros().increment(s.after().costMicros() - s.before().costMicros());
            for (double t : thresholds) {
                if (crossed(t, a.tokenLimit(), s.before().tokens(), s.after().tokens())) alert(a, t, "tokens", s.after().tokens(), a.tokenLimit());
                if (crossed(t, a.costLimitMicros(), s.before().costMicros(), s.after().costMicros())) {
                    alert(a, t, "cost", s.after().costMicros(), a.costLimitMicros());
                }
            }
        }
    }

    static boolean crossed(double fraction, long limit, long before, long after) {
        if (limit <= 0) return false;
        long line = (long) Math.ceil(fraction * limit);
        return before < line && after >= line;
    }

    private void alert(Account a, double threshold, String measure, long used, long limit) {
        meters(a.ruleId()).alerts().get(threshold).increment();
        Map<String, Object> f = fields(a);
        f.put("threshold", threshold);
        f.put("measure", measure);
        f.put("used", "cost".equals(measure) ? Pricing.format(used) : used);
        f.put("limit", "cost".equals(measure) ? Pricing.format(limit) : limit);
        audit.event("budget.threshold", f);
    }

    /** A request refused by a budget; the first refusal of an account in a period is also an audit event. */
    void refused(Account a, boolean firstThisPeriod) {
        meters(a.ruleId()).refused().increment();
        if (firstThisPeriod) audit.event("budget.exhausted", fields(a));
    }

    private static Map<String, Object> fields(Account a) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("rule", a.ruleId());
        f.put("subject", a.subject());
        f.put("org_id", a.orgId());
        f.put("period_start", a.periodStart().toString());
        return f;
    }

    /** The rule's meters: made at start for every configured rule, and once for a rule only a replay names. */
    private RuleMeters meters(String rule) {
        RuleMeters m = meters.get(rule);
        return m != null ? m : meters.computeIfAbsent(rule, this::register);
    }

    private RuleMeters register(String rule) {
        Map<Double, Counter> alerts = new HashMap<>();
        for (double t : thresholds) {
            alerts.put(t, Counter.builder("bastion.budget.alerts").description("Budget threshold alerts by rule and threshold")
                    .tag("rule", rule).tag("threshold", Double.toString(t)).register(registry));
        }
        return new RuleMeters(counter("bastion.budget.tokens", rule, "Settled LLM tokens by budget rule"),
                counter("bastion.budget.cost_micros", rule, "Settled LLM cost (millionths) by budget rule"),
                counter("bastion.budget.refused", rule, "Requests refused by a budget, by rule"), Map.copyOf(alerts));
    }

    private Counter counter(String name, String rule, String description) {
        return Counter.builder(name).description(description).tag("rule", rule).register(registry);
    }
}
