package dev.bastion.budget;

import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    BudgetEvents(AuditLog audit, MeterRegistry registry, List<Double> thresholds) {
        this.audit = audit;
        this.registry = registry;
        this.thresholds = thresholds.stream().sorted().toList();
    }

    void settled(List<Ledger.Settled> settled) {
        for (Ledger.Settled s : settled) {
            Account a = s.account();
            counter("bastion.budget.tokens", a.ruleId(), null, "Settled LLM tokens by budget rule")
                    .increment(s.after().tokens() - s.before().tokens());
            counter("bastion.budget.cost_micros", a.ruleId(), null, "Settled LLM cost (millionths) by budget rule")
                    .increment(s.after().costMicros() - s.before().costMicros());
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
        counter("bastion.budget.alerts", a.ruleId(), threshold, "Budget threshold alerts by rule and threshold").increment();
        Map<String, Object> f = fields(a);
        f.put("threshold", threshold);
        f.put("measure", measure);
        f.put("used", "cost".equals(measure) ? Pricing.format(used) : used);
        f.put("limit", "cost".equals(measure) ? Pricing.format(limit) : limit);
        audit.event("budget.threshold", f);
    }

    /** A request refused by a budget; the first refusal of an account in a period is also an audit event. */
    void refused(Account a, boolean firstThisPeriod) {
        counter("bastion.budget.refused", a.ruleId(), null, "Requests refused by a budget, by rule").increment();
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

    private Counter counter(String name, String rule, Double threshold, String description) {
        String id = name + '\u0000' + rule + '\u0000' + threshold;
        return counters.computeIfAbsent(id, k -> {
            Counter.Builder b = Counter.builder(name).description(description).tag("rule", rule);
            if (threshold != null) b.tag("threshold", Double.toString(threshold));
            return b.register(registry);
        });
    }
}
