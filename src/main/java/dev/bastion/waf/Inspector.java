package dev.bastion.waf;

import dev.bastion.config.RouteWafConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a rule set over one request's targets and adds up the anomaly score (W2): each rule that matches
 * any value it reads adds its severity's score once. Transformed values are computed once per request
 * for each distinct chain of transformations. Thread-safe: holds only the compiled rules.
 */
public final class Inspector {
    private final List<Rule> rules;

    /** The rules of paranoia level {@code paranoia} and below. */
    public Inspector(RuleSet set, int paranoia) {
        this.rules = set.rules().stream().filter(r -> r.paranoia() <= paranoia).toList();
    }

    public int size() {
        return rules.size();
    }

    /** @param rule which rule matched; @param target the name of the first value it matched in */
    public record Match(int rule, String target, Rule.Severity severity) {}

    public record Result(int score, List<Match> matches) {}

    public Result inspect(RequestTargets request, List<RouteWafConfig.Exclusion> exclusions) {
        List<RequestTargets.Target> targets = request.all();
        Map<List<Transform>, String[]> transformed = new HashMap<>();
        List<Match> matches = new ArrayList<>(0);
        int score = 0;
        for (Rule rule : rules) {
            if (excluded(rule.id(), null, exclusions)) continue;
            String[] values = transformed.computeIfAbsent(rule.transforms(), k -> new String[targets.size()]);
            for (int i = 0; i < targets.size(); i++) {
                RequestTargets.Target t = targets.get(i);
                if (!rule.reads(t.kind(), t.name()) || excluded(rule.id(), t.name(), exclusions)) continue;
                String v = values[i];
                if (v == null) values[i] = v = Transform.all(t.value(), rule.transforms().toArray(Transform[]::new));
                if (rule.operator().matches(v)) {
                    matches.add(new Match(rule.id(), t.name(), rule.severity()));
                    score += rule.severity().score;
                    break;
                }
            }
        }
        return new Result(score, matches);
    }

    private static boolean excluded(int rule, String target, List<RouteWafConfig.Exclusion> exclusions) {
        for (RouteWafConfig.Exclusion e : exclusions) {
            if (e.rule() != rule) continue;
            if (e.target() == null) return true;
            if (target != null && e.target().equals(target)) return true;
        }
        return false;
    }
}
