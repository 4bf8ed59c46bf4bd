package dev.bastion.waf;

import dev.bastion.config.RouteWafConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a rule set over one request's targets and adds up the anomaly score (W2): each rule that matches
 * any value it reads adds its severity's score once. Thread-safe: holds only the compiled rules.
 *
 * <p>Why it is shaped this way (measured with {@code bench/jmh.sh WafBench}): per value, every prefix of
 * every transformation chain is computed once (chains share their first steps), and an unchanged value
 * stays the same string; then all rules' literals — their {@code requires} prefilters and their phrase
 * lists — are looked for in one pass of a single automaton over each distinct transformed value, instead
 * of one pass per rule. Only the rules whose literal turned up run their regular expression. Most
 * benign values hold none, so a value costs a few scans, not one per rule.
 */
public final class Inspector {
    private final Rule[] rules;
    /** Per rule, per step of its chain: the id of the chain prefix ending there (shared between rules). */
    private final int[][] steps;
    private final int prefixes;
    /** Every rule's literals; per literal id, the rules (bit set over rule indices) it belongs to. */
    private final PhraseMatcher literals;
    private final long[][] owners;
    private final int words;
    /** Rules with literals (skipped on values that hold none); of those, rules whose phrase list is the whole test. */
    private final boolean[] prefiltered, phrasesOnly;
    /** Rule indices reading a whole kind of target ({@code args}), and one named target ({@code args:q}). */
    private final Map<String, int[]> byKind = new HashMap<>();
    private final Map<String, int[]> byName = new HashMap<>();
    private static final int[] NONE = new int[0];

    /** The rules of paranoia level {@code paranoia} and below. */
    public Inspector(RuleSet set, int paranoia) {
        this.rules = set.rules().stream().filter(r -> r.paranoia() <= paranoia).toArray(Rule[]::new);
        Map<List<Transform>, Integer> ids = new HashMap<>();
        steps = new int[rules.length][];
        words = (rules.length + 63) >>> 6;
        prefiltered = new boolean[rules.length];
        phrasesOnly = new boolean[rules.length];
        Map<String, List<Integer>> literalOwners = new java.util.LinkedHashMap<>();
        Map<String, List<Integer>> kinds = new HashMap<>(), names = new HashMap<>();
        for (int r = 0; r < rules.length; r++) {
            Rule rule = rules[r];
            List<Transform> chain = rule.transforms();
            steps[r] = new int[chain.size()];
            for (int k = 0; k < chain.size(); k++) steps[r][k] = ids.computeIfAbsent(List.copyOf(chain.subList(0, k + 1)), x -> ids.size());
            List<String> own = rule.requires() != null ? rule.requires().phrases()
                    : rule.operator() instanceof Operator.Phrases p ? p.matcher().phrases() : List.of();
            prefiltered[r] = !own.isEmpty();
            phrasesOnly[r] = rule.requires() == null && rule.operator() instanceof Operator.Phrases;
            for (String l : own) literalOwners.computeIfAbsent(l, x -> new ArrayList<>()).add(r);
            for (String t : rule.targets()) (t.contains(":") ? names : kinds).computeIfAbsent(t, x -> new ArrayList<>()).add(r);
        }
        prefixes = ids.size();
        literals = literalOwners.isEmpty() ? null : new PhraseMatcher(new ArrayList<>(literalOwners.keySet()));
        owners = new long[literalOwners.size()][];
        int i = 0;
        for (List<Integer> rs : literalOwners.values()) {
            long[] bits = new long[words];
            for (int r : rs) bits[r >>> 6] |= 1L << r;
            owners[i++] = bits;
        }
        kinds.forEach((k, rs) -> byKind.put(k, rs.stream().mapToInt(Integer::intValue).toArray()));
        // A rule reading both "args" and "args:q" is already among the readers of every args target.
        names.forEach((n, rs) -> byName.put(n, rs.stream().mapToInt(Integer::intValue)
                .filter(r -> !rules[r].targets().contains(n.substring(0, n.indexOf(':')))).toArray()));
    }

    public int size() {
        return rules.length;
    }

    /** @param rule which rule matched; @param target the name of the first value it matched in */
    public record Match(int rule, String target, Rule.Severity severity) {}

    public record Result(int score, List<Match> matches) {}

    public Result inspect(RequestTargets request, List<RouteWafConfig.Exclusion> exclusions) {
        Match[] matched = new Match[rules.length];
        boolean any = false;
        Scans scans = new Scans();
        for (RequestTargets.Target t : request.all()) {
            int[] kind = byKind.getOrDefault(t.kind(), NONE), named = byName.getOrDefault(t.name(), NONE);
            if (kind.length == 0 && named.length == 0) continue;
            String[] memo = new String[prefixes];
            scans.clear();
            for (int pass = 0; pass < 2; pass++) {
                for (int r : pass == 0 ? kind : named) {
                    if (matched[r] != null || !exclusions.isEmpty() && excluded(rules[r].id(), t.name(), exclusions)) continue;
                    String v = transformed(t.value(), rules[r].transforms(), steps[r], memo, scans);
                    if (prefiltered[r]) {
                        long[] hits = scans.hits(v);
                        if ((hits[r >>> 6] & 1L << r) == 0) continue;
                        if (!phrasesOnly[r] && !rules[r].operator().matches(v)) continue;
                    } else if (!rules[r].operator().matches(v)) {
                        continue;
                    }
                    matched[r] = new Match(rules[r].id(), t.name(), rules[r].severity());
                    any = true;
                }
            }
        }
        if (!any) return new Result(0, List.of());
        List<Match> out = new ArrayList<>(2);
        int score = 0;
        for (Match m : matched) {
            if (m == null) continue;
            out.add(m);
            score += m.severity().score;
        }
        return new Result(score, out);
    }

    /**
     * One value's transformations and literal scans. Most transformations leave a benign value as it was
     * (the same string), and the same step often follows the same input in several chains
     * ({@code lowercase} after {@code url_decode_uni}, and after {@code url_decode_uni, html_entity_decode}
     * when there was no entity): each step is computed once per distinct input, each distinct result
     * scanned once.
     */
    private final class Scans {
        private final String[] seen = new String[16];
        private final long[][] found = new long[16][];
        private int n;
        private final String[] stepIn = new String[32], stepOut = new String[32];
        private final Transform[] stepOf = new Transform[32];
        private int steps;

        void clear() {
            for (int i = 0; i < n; i++) seen[i] = null;
            for (int i = 0; i < steps; i++) stepIn[i] = stepOut[i] = null;
            n = steps = 0;
        }

        String apply(Transform t, String in) {
            for (int i = 0; i < steps; i++) if (stepIn[i] == in && stepOf[i] == t) return stepOut[i];
            String out = t.apply(in);
            if (steps < stepIn.length) {
                stepIn[steps] = in;
                stepOf[steps] = t;
                stepOut[steps++] = out;
            }
            return out;
        }

        long[] hits(String v) {
            // The same text from two roads (url_decode_uni and url_decode_repeated of a value with one
            // level of encoding) is one scan: comparing costs a fraction of scanning.
            for (int i = 0; i < n; i++) if (seen[i] == v || seen[i].length() == v.length() && seen[i].equals(v)) return found[i];
            // The literal automaton ignores case, so a lower-cased value holds the literals its input held.
            for (int i = 0; i < steps; i++) if (stepOut[i] == v && stepOf[i] == Transform.LOWERCASE && stepIn[i] != v) return hits(stepIn[i]);
            long[] bits = new long[words];
            literals.forEach(v, (id, end) -> {
                long[] o = owners[id];
                for (int w = 0; w < o.length; w++) bits[w] |= o[w];
            });
            if (n < seen.length) {
                seen[n] = v;
                found[n++] = bits;
            }
            return bits;
        }
    }

    private static String transformed(String value, List<Transform> chain, int[] steps, String[] memo, Scans scans) {
        String v = value;
        for (int k = 0; k < steps.length; k++) {
            String known = memo[steps[k]];
            if (known == null) memo[steps[k]] = known = scans.apply(chain.get(k), v);
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
