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
        // Per target, every prefix of every chain computed once: chains share their first steps (most
        // start with url_decode_uni), and decoding is what costs on a long value.
        List<Map<List<Transform>, String>> memo = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) memo.add(null);
        List<Match> matches = new ArrayList<>(0);
        int score = 0;
        for (Rule rule : rules) {
            if (excluded(rule.id(), null, exclusions)) continue;
            for (int i = 0; i < targets.size(); i++) {
                RequestTargets.Target t = targets.get(i);
                if (!rule.reads(t.kind(), t.name()) || excluded(rule.id(), t.name(), exclusions)) continue;
                Map<List<Transform>, String> m = memo.get(i);
                if (m == null) memo.set(i, m = new HashMap<>());
                String v = transformed(t.value(), rule.transforms(), m);
                if (rule.matches(v)) {
                    matches.add(new Match(rule.id(), t.name(), rule.severity()));
                    score += rule.severity().score;
                    break;
                }
            }
        }
        return new Result(score, matches);
    }

    private static String transformed(String value, List<Transform> chain, Map<List<Transform>, String> memo) {
        String v = value;
        for (int k = 1; k <= chain.size(); k++) {
            List<Transform> prefix = chain.subList(0, k);
            String known = memo.get(prefix);
            if (known == null) {
                known = chain.get(k - 1).apply(v);
                memo.put(List.copyOf(prefix), known);
            }
            v = known;
        }
        return v;
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
