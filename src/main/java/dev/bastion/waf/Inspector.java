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
    /** Per rule, per step of its chain: the id of the chain prefix ending there (shared between rules). */
    private final int[][] steps;
    private final int prefixes;

    /** The rules of paranoia level {@code paranoia} and below. */
    public Inspector(RuleSet set, int paranoia) {
        this.rules = set.rules().stream().filter(r -> r.paranoia() <= paranoia).toList();
        Map<List<Transform>, Integer> ids = new HashMap<>();
        steps = new int[rules.size()][];
        for (int r = 0; r < rules.size(); r++) {
            List<Transform> chain = rules.get(r).transforms();
            steps[r] = new int[chain.size()];
            for (int k = 0; k < chain.size(); k++) steps[r][k] = ids.computeIfAbsent(List.copyOf(chain.subList(0, k + 1)), x -> ids.size());
        }
        prefixes = ids.size();
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
        String[][] memo = new String[targets.size()][];
        List<Match> matches = new ArrayList<>(0);
        int score = 0;
        for (int r = 0; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            if (excluded(rule.id(), null, exclusions)) continue;
            for (int i = 0; i < targets.size(); i++) {
                RequestTargets.Target t = targets.get(i);
                if (!rule.reads(t.kind(), t.name()) || excluded(rule.id(), t.name(), exclusions)) continue;
                if (memo[i] == null) memo[i] = new String[prefixes];
                String v = transformed(t.value(), rule.transforms(), steps[r], memo[i]);
                if (rule.matches(v)) {
                    matches.add(new Match(rule.id(), t.name(), rule.severity()));
                    score += rule.severity().score;
                    break;
                }
            }
        }
        return new Result(score, matches);
    }

    private static String transformed(String value, List<Transform> chain, int[] steps, String[] memo) {
        String v = value;
        for (int k = 0; k < steps.length; k++) {
            String known = memo[steps[k]];
            if (known == null) memo[steps[k]] = known = chain.get(k).apply(v);
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
