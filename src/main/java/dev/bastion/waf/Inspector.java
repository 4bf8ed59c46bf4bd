package dev.bastion.waf;

import dev.bastion.config.RouteWafConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a rule set over one request's targets and adds up the anomaly score (W2): each rule that matches
 * any value it reads adds its severity's score once. Thread-safe: holds only the compiled rules.
 *
 * <p>Why it is shaped this way (measured with {@code bench/jmh.sh WafBench}): per value, every prefix of
 * every transformation chain is computed once (chains share their first steps), and an unchanged value
 * stays the same string; then all rules' literals — their {@code requires} prefilters and their phrase
 * lists — are looked for in one pass of a single automaton over each distinct transformed value, instead
 * of one pass per rule. Only the rules whose literal turned up run their regular expression. Most
 * benign values hold none, so a value costs a few scans, not one per rule. Each distinct text's
 * {@link CharClasses} are read once: transformations skip the texts they cannot change, and rules whose
 * literals need a class the text lacks are passed over without scanning it. And what a short value
 * matched is remembered per target (a value's verdict depends on nothing else): a gateway's requests
 * bring the same header values, JSON keys, roles and model names again and again, and those cost a
 * look-up, not an inspection; exclusions apply to the remembered verdict as to a fresh one.
 */
public final class Inspector {
    private final Rule[] rules;
    /** Per rule, per step of its chain: the id of the chain prefix ending there (shared between rules). */
    private final int[][] steps;
    private final int prefixes;
    /** Every rule's literals, in one automaton. */
    private final LiteralScan literals;
    /**
     * One automaton of the literals of the groups with few of them ({@code fewOnly}): a text only they read
     * (the request line, a value as received) is scanned by a table that stays in the cache, not by
     * the one of all rules' literals. A text some other group reads too is scanned by that one, once.
     */
    private final LiteralScan fewLiterals;
    private final boolean[] fewOnly;
    static final int FEW_LITERALS = 200;
    /**
     * Per word of the rule bit sets: {@code needers[w][bit]}, the prefiltered rules one of whose literals
     * holds a character of that {@link CharClasses} bit; {@code unclassed[w]}, those with a literal of
     * letters and digits only, which no class rules out. A text holding none of the classes a rule's
     * literals hold cannot hold any of them: the rule is passed over without a scan.
     */
    private final long[][] needers;
    private final long[] unclassed;
    private final int words;
    /** Rules with literals (skipped on values that hold none); of those, rules whose phrase list is the whole test. */
    private final boolean[] prefiltered, phrasesOnly;
    /** Rules whose operator takes the value's {@link CharClasses} (the detectors). */
    private final boolean[] readsClasses;
    private final long[] prefilteredBits;
    /**
     * What a target of a kind ({@code args}) is looked at by, and one of a name some rule reads
     * ({@code args:q}: the kind's readers and the name's).
     */
    private final Map<String, Plan> byKind = new HashMap<>();
    private final Map<String, Plan> byName = new HashMap<>();
    /** The kinds some rule names one target of ({@code headers} for {@code headers:referer}): only their names are looked up. */
    private final java.util.Set<String> namedKinds = new java.util.HashSet<>();
    /**
     * Rules grouped by the transformation chain they end with: a value is transformed once per group that
     * has a reader, each distinct text those chains give scanned once for all groups reading it, and only
     * the rules that read the target and whose literal turned up are looked at — not every rule once per value.
     */
    private final long[][] groupRules;
    private final int[] groupExample; // a rule of the group, whose chain and steps compute the group's value
    private final int[] groupOf; // per rule: its group
    /**
     * Per group: how many steps of its chain come before its scan — all, or all but a final lowercase (the
     * automaton ignores case, so that step runs only for a rule that reads the value) — and the classes of
     * character those steps act on, and the whole chain's: a value holding none of them is its own result.
     */
    private final int[] scanSteps;
    private final long[] scanChangers, chainChangers;
    /**
     * For the groups whose chain ends in {@code remove_whitespace} (with {@code remove_nulls} or
     * {@code lowercase} around it), the steps before those ({@code spaceFrom}, else -1) and their classes:
     * a text with white space is then scanned as it is before them by {@link #spaceless}, which reads it as
     * if it held none — the value without its white space is never made, unless a rule's test needs it.
     */
    private final int[] spaceFrom;
    private final long[] spaceFromChangers;
    private final boolean[] spaceNulls; // the steps removed include remove_nulls: a text holding a NUL takes the long way
    /** The literals of the groups with a {@code spaceFrom}, found as if the text held no white space. */
    private final LiteralScan spaceless;

    /** The rules of paranoia level {@code paranoia} and below. */
    public Inspector(RuleSet set, int paranoia) {
        this.rules = set.rules().stream().filter(r -> r.paranoia() <= paranoia).toArray(Rule[]::new);
        Map<List<Transform>, Integer> ids = new HashMap<>();
        steps = new int[rules.length][];
        words = (rules.length + 63) >>> 6;
        noRules = new long[words];
        prefiltered = new boolean[rules.length];
        phrasesOnly = new boolean[rules.length];
        readsClasses = new boolean[rules.length];
        Map<String, List<Integer>> literalOwners = new java.util.LinkedHashMap<>();
        Map<String, List<Integer>> kinds = new HashMap<>(), names = new HashMap<>();
        for (int r = 0; r < rules.length; r++) {
            Rule rule = rules[r];
            List<Transform> chain = rule.transforms();
            steps[r] = new int[chain.size()];
            for (int k = 0; k < chain.size(); k++) steps[r][k] = ids.computeIfAbsent(List.copyOf(chain.subList(0, k + 1)), x -> ids.size());
            List<String> own = literalsOf(rule);
            prefiltered[r] = !own.isEmpty();
            phrasesOnly[r] = rule.requires() == null && rule.operator() instanceof Operator.Phrases;
            readsClasses[r] = rule.operator() instanceof Operator.Detector;
            for (String l : own) literalOwners.computeIfAbsent(l, x -> new ArrayList<>()).add(r);
            for (String t : rule.targets()) (t.contains(":") ? names : kinds).computeIfAbsent(t, x -> new ArrayList<>()).add(r);
        }
        prefixes = ids.size();
        List<Integer> withLiterals = new ArrayList<>();
        for (int r = 0; r < rules.length; r++) if (prefiltered[r]) withLiterals.add(r);
        prefilteredBits = bits(withLiterals);
        literals = LiteralScan.of(literalOwners, words);
        needers = new long[words][64];
        unclassed = new long[words];
        for (int r = 0; r < rules.length; r++) {
            if (!prefiltered[r]) continue;
            for (String l : literalsOf(rules[r])) {
                long k = CharClasses.of(l) & ~CharClasses.UPPER; // the automaton ignores case
                if (k == 0) unclassed[r >>> 6] |= 1L << r;
                for (; k != 0; k &= k - 1) needers[r >>> 6][Long.numberOfTrailingZeros(k)] |= 1L << r;
            }
        }
        Map<Integer, List<Integer>> groups = new java.util.TreeMap<>();
        for (int r = 0; r < rules.length; r++) groups.computeIfAbsent(steps[r].length == 0 ? -1 : steps[r][steps[r].length - 1], x -> new ArrayList<>()).add(r);
        List<List<Integer>> ordered = new ArrayList<>(groups.values());
        java.util.Set<List<Integer>> few = new java.util.HashSet<>();
        Map<String, List<Integer>> fewOwners = new java.util.LinkedHashMap<>();
        for (List<Integer> rs : ordered) {
            long count = rs.stream().flatMap(r -> literalsOf(rules[r]).stream()).distinct().count();
            if (count == 0 || count > FEW_LITERALS) continue;
            few.add(rs);
            for (int r : rs) for (String l : literalsOf(rules[r])) fewOwners.computeIfAbsent(l, x -> new ArrayList<>()).add(r);
        }
        fewLiterals = LiteralScan.of(fewOwners, words);
        groupRules = new long[ordered.size()][];
        groupExample = new int[ordered.size()];
        groupOf = new int[rules.length];
        fewOnly = new boolean[ordered.size()];
        scanSteps = new int[ordered.size()];
        scanChangers = new long[ordered.size()];
        chainChangers = new long[ordered.size()];
        spaceFrom = new int[ordered.size()];
        spaceFromChangers = new long[ordered.size()];
        spaceNulls = new boolean[ordered.size()];
        Map<String, List<Integer>> spacelessOwners = new java.util.LinkedHashMap<>();
        int g = 0;
        for (List<Integer> rs : ordered) {
            groupRules[g] = bits(rs);
            for (int r : rs) groupOf[r] = g;
            List<Transform> chain = rules[rs.getFirst()].transforms();
            scanSteps[g] = !chain.isEmpty() && chain.getLast() == Transform.LOWERCASE ? chain.size() - 1 : chain.size();
            fewOnly[g] = few.contains(rs);
            int from = chain.size();
            while (from > 0 && (chain.get(from - 1) == Transform.LOWERCASE || chain.get(from - 1).removed() != null)) from--;
            List<Transform> tail = chain.subList(from, chain.size());
            spaceFrom[g] = tail.contains(Transform.REMOVE_WHITESPACE) ? from : -1;
            spaceNulls[g] = tail.contains(Transform.REMOVE_NULLS);
            if (spaceFrom[g] >= 0) for (int r : rs) for (String l : literalsOf(rules[r])) spacelessOwners.computeIfAbsent(l, x -> new ArrayList<>()).add(r);
            for (int k = 0; k < chain.size(); k++) {
                chainChangers[g] |= chain.get(k).changers();
                if (k < scanSteps[g]) scanChangers[g] |= chain.get(k).changers();
                if (k < from) spaceFromChangers[g] |= chain.get(k).changers();
            }
            groupExample[g++] = rs.getFirst();
        }
        spaceless = LiteralScan.of(spacelessOwners, words, Transform.REMOVE_WHITESPACE.removed());
        kinds.forEach((k, rs) -> byKind.put(k, plan(bits(rs))));
        names.forEach((n, rs) -> {
            String kind = n.substring(0, n.indexOf(':'));
            long[] readers = bits(rs);
            if (kinds.containsKey(kind)) for (int r : kinds.get(kind)) readers[r >>> 6] |= 1L << r;
            byName.put(n, plan(readers));
            namedKinds.add(kind);
        });
    }

    /**
     * A target's readers, laid out for the loop over its values: the rules with no literal (each looks at
     * every value), and the groups with a reader that has literals, with those readers; and the verdicts
     * of the short values it has seen.
     */
    private static final class Plan {
        final long[] plain;
        final int[] groups;
        final long[][] wanted;
        /**
         * Over all the groups: the rules wanting literals, whether one beyond the few-literal groups reads,
         * and the classes of character some step before a group's scan acts on (also leaving out
         * {@code remove_comments}). A value holding none of those — or only dashes and the like, and no
         * comment — is the one text every group scans, by the full automaton or the few one.
         */
        final long[] allWanted;
        final boolean anyFull;
        final long changedBeforeScans, changedBeforeScansButComments;
        /**
         * What short values of this target matched (among its readers, before exclusions): the same header
         * values, JSON keys, roles and model names come with request after request, and each is a pure
         * function of the value. Bounded, so a flood of distinct values only empties it.
         */
        private final ConcurrentHashMap<String, long[]> verdicts = new ConcurrentHashMap<>();

        Plan(long[] plain, int[] groups, long[][] wanted, long[] allWanted, boolean anyFull, long changedBeforeScans, long changedBeforeScansButComments) {
            this.plain = plain;
            this.groups = groups;
            this.wanted = wanted;
            this.allWanted = allWanted;
            this.anyFull = anyFull;
            this.changedBeforeScans = changedBeforeScans;
            this.changedBeforeScansButComments = changedBeforeScansButComments;
        }

        /** Whether every group of this plan scans the value itself: no step before a scan can change it. */
        boolean oneText(String value, long classes) {
            if ((classes & changedBeforeScans) == 0) return true;
            // A dash alone is no comment: remove_comments then returns the value itself (-- would be one).
            return (classes & changedBeforeScansButComments) == 0 && Transform.REMOVE_COMMENTS.apply(value) == value;
        }

        /** What the value matched when it came before, or null. */
        long[] remembered(String value) {
            return verdicts.get(value);
        }

        void remember(String value, long[] matched) {
            if (verdicts.size() >= REMEMBERED_VALUES) verdicts.clear();
            verdicts.put(value, matched);
        }
    }

    /** The most verdicts one target remembers now (tests: the memory stays bounded). */
    int remembered() {
        int most = 0;
        for (Plan p : byKind.values()) most = Math.max(most, p.verdicts.size());
        for (Plan p : byName.values()) most = Math.max(most, p.verdicts.size());
        return most;
    }

    /** Values up to this long have their verdicts remembered, this many per target plan. */
    static final int REMEMBERED_LENGTH = 256, REMEMBERED_VALUES = 512;

    /** Headers that carry credentials: their values are inspected every time, never kept in memory. */
    private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of("headers:authorization", "headers:proxy-authorization",
            "headers:x-api-key");

    private static boolean credential(String kind, String name) {
        return kind.equals("cookies") || (name != null && CREDENTIAL_HEADERS.contains(name));
    }

    private Plan plan(long[] readers) {
        long[] plain = new long[words];
        List<Integer> groups = new ArrayList<>();
        List<long[]> wanted = new ArrayList<>();
        for (int w = 0; w < words; w++) plain[w] = readers[w] & ~prefilteredBits[w];
        long[] allWanted = new long[words];
        boolean anyFull = false;
        long changedBeforeScans = 0, butComments = 0;
        for (int g = 0; g < groupRules.length; g++) {
            long[] want = new long[words];
            boolean some = false;
            for (int w = 0; w < words; w++) some |= (want[w] = readers[w] & groupRules[g][w] & prefilteredBits[w]) != 0;
            if (!some) continue;
            groups.add(g);
            wanted.add(want);
            for (int w = 0; w < words; w++) allWanted[w] |= want[w];
            anyFull |= !fewOnly[g];
            changedBeforeScans |= scanChangers[g];
            List<Transform> chain = rules[groupExample[g]].transforms();
            for (int k = 0; k < scanSteps[g]; k++) if (chain.get(k) != Transform.REMOVE_COMMENTS) butComments |= chain.get(k).changers();
            // a group taking white space out scans its text before that (as if it held none), and a NUL sends it the long way
            if (spaceFrom[g] >= 0) {
                changedBeforeScans |= spaceFromChangers[g] | Transform.REMOVE_WHITESPACE.changers() | CharClasses.NUL;
                butComments |= Transform.REMOVE_WHITESPACE.changers() | CharClasses.NUL;
                for (int k = 0; k < spaceFrom[g]; k++) if (chain.get(k) != Transform.REMOVE_COMMENTS) butComments |= chain.get(k).changers();
            }
        }
        return new Plan(plain, groups.stream().mapToInt(Integer::intValue).toArray(), wanted.toArray(long[][]::new), allWanted, anyFull,
                changedBeforeScans, butComments);
    }

    /** The prefiltered rules of word {@code w} whose literals a text holding {@code classes} may hold. */
    private long possible(int w, long classes) {
        long p = unclassed[w];
        for (long k = classes; k != 0; k &= k - 1) p |= needers[w][Long.numberOfTrailingZeros(k)];
        return p;
    }

    /** A rule's literals: its {@code requires} prefilter, or the phrases that are its whole test. */
    private static List<String> literalsOf(Rule rule) {
        return rule.requires() != null ? rule.requires().phrases()
                : rule.operator() instanceof Operator.Phrases p ? p.matcher().phrases() : List.of();
    }

    /** An automaton of literals, and per literal id the rules (bit set over rule indices) it belongs to. */
    private record LiteralScan(PhraseMatcher matcher, long[][] owners) {
        static LiteralScan of(Map<String, List<Integer>> literalOwners, int words) {
            return of(literalOwners, words, null);
        }

        /** @param ignored characters the text is read as if it did not hold, or null */
        static LiteralScan of(Map<String, List<Integer>> literalOwners, int words, java.util.function.IntPredicate ignored) {
            if (literalOwners.isEmpty()) return null;
            long[][] owners = new long[literalOwners.size()][];
            int i = 0;
            for (List<Integer> rs : literalOwners.values()) {
                long[] bits = new long[words];
                for (int r : rs) bits[r >>> 6] |= 1L << r;
                owners[i++] = bits;
            }
            return new LiteralScan(new PhraseMatcher(new ArrayList<>(literalOwners.keySet()), ignored), owners);
        }

        /** Adds to {@code into} the rules whose literals occur in the text. */
        void rulesIn(char[] text, int from, int to, Owners into) {
            into.of = owners;
            matcher.forEachPresent(text, from, to, into);
        }
    }

    /** Collects the rules owning each literal found: one per thread's {@link Scans}, not one per scan. */
    private static final class Owners implements PhraseMatcher.Sink {
        long[][] of;
        long[] bits;

        @Override
        public void found(int id, int end) {
            long[] o = of[id];
            for (int w = 0; w < o.length; w++) bits[w] |= o[w];
        }
    }

    private long[] bits(List<Integer> ruleIndices) {
        long[] b = new long[words];
        for (int r : ruleIndices) b[r >>> 6] |= 1L << r;
        return b;
    }

    public int size() {
        return rules.length;
    }

    /** @param rule which rule matched; @param target the name of the first value it matched in */
    /** The ids of the rules this inspector runs (those of its paranoia level and below). */
    public List<Integer> ruleIds() {
        List<Integer> ids = new ArrayList<>(rules.length);
        for (Rule r : rules) ids.add(r.id());
        return ids;
    }

    /** Each rule's paranoia level by id, for the security summary (a rule id alone does not say how eager it is). */
    public java.util.Map<Integer, Integer> paranoiaLevels() {
        java.util.Map<Integer, Integer> out = new java.util.HashMap<>();
        for (Rule r : rules) out.put(r.id(), r.paranoia());
        return java.util.Map.copyOf(out);
    }

    public record Match(int rule, String target, Rule.Severity severity) {}

    public record Result(int score, List<Match> matches) {}

    public Result inspect(RequestTargets request, List<RouteWafConfig.Exclusion> exclusions) {
        Run run = start(exclusions);
        for (RequestTargets.Target t : request.all()) run.value(t.kind(), t.name(), t.value());
        return run.result();
    }

    /** An inspection to feed a request's values to, as the {@link Extractor} reads them. */
    Run start(List<RouteWafConfig.Exclusion> exclusions) {
        return new Run(exclusions);
    }

    /** One request's inspection: its values come one at a time; {@link #result()} adds up what matched. One thread. */
    final class Run implements Extractor.Sink {
        private final List<RouteWafConfig.Exclusion> exclusions;
        private final long[] done = new long[words];
        private boolean any;
        private Match[] matched; // made at the first match: most requests have none

        private Run(List<RouteWafConfig.Exclusion> exclusions) {
            this.exclusions = exclusions;
        }

        @Override
        public void value(String kind, String name, String value) {
            inspect(kind, name, null, value);
        }

        @Override
        public void jsonValue(JsonPath at, String value) {
            inspect("args", null, at, value);
        }

        /** @param name the value's target name, or null when {@code at} (a JSON value's place) gives it */
        private void inspect(String kind, String name, JsonPath at, String value) {
            Plan plan = null;
            if (namedKinds.contains(kind)) plan = byName.get(name = name != null ? name : at.argsName());
            if (plan == null) plan = byKind.get(kind);
            if (plan == null) return;
            boolean rememberable = value.length() <= REMEMBERED_LENGTH && !credential(kind, name);
            long[] hits = rememberable ? plan.remembered(value) : null;
            if (hits == null) {
                Scans scans = scratch.get();
                if (rememberable) {
                    // Remembered whole: every reader tested, also those an earlier value of this request matched.
                    hits = matching(plan, value, noRules, false, scans);
                    plan.remember(value, hits = isEmpty(hits) ? noRules : hits.clone());
                } else {
                    hits = matching(plan, value, done, any, scans);
                }
            }
            for (int w = 0; w < words; w++) {
                for (long todo = hits[w] & ~done[w]; todo != 0; todo &= todo - 1) {
                    int r = (w << 6) + Long.numberOfTrailingZeros(todo);
                    if (name == null) name = at.argsName();
                    if (!exclusions.isEmpty() && excluded(rules[r].id(), name, exclusions)) continue;
                    if (matched == null) matched = new Match[rules.length];
                    matched[r] = new Match(rules[r].id(), name, rules[r].severity());
                    done[w] |= 1L << r;
                    any = true;
                }
            }
        }

        Result result() {
            scratch.get().release();
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
    }

    /** No rule: the verdict of most values. Never written to. */
    private final long[] noRules;

    private static boolean isEmpty(long[] bits) {
        for (long b : bits) if (b != 0) return false;
        return true;
    }

    /** Per thread, the scratch one value's inspection works in. */
    private final ThreadLocal<Scans> scratch = ThreadLocal.withInitial(Scans::new);

    /**
     * The rules among the plan's readers, other than those of {@code skip}, that the value matches: in
     * {@code scans}' result, valid until its next value. Exclusions are the caller's business.
     *
     * @param skipping whether {@code skip} holds any rule
     */
    private long[] matching(Plan plan, String value, long[] skip, boolean skipping, Scans scans) {
        long[] candidates = scans.candidates;
        boolean someone = plan.groups.length > 0;
        for (int w = 0; w < words; w++) someone |= (candidates[w] = plan.plain[w] & ~skip[w]) != 0;
        if (!someone) return candidates;
        scans.clear();
        String[] texts = scans.scanned;
        LiteralScan[] scanners = scans.scanners;
        long[] wanted = scans.wanted;
        boolean[] full = scans.full;
        long valueClasses = scans.classes(value);
        // 1. Each group reading the value names the text it scans: the value as it is when no step before
        //    the scan can change it, else its transformed prefix. Groups scanning the same text share it.
        //    A value no step before any scan can change is the one text of them all (most short values).
        int distinct = 0;
        boolean oneText = plan.oneText(value, valueClasses);
        if (oneText && plan.groups.length > 0) {
            texts[0] = value;
            scanners[0] = null;
            full[0] = plan.anyFull; // the full automaton finds what the few one finds, and more that no rule here wants
            for (int w = 0; w < words; w++) wanted[w] = plan.allWanted[w] & ~skip[w];
            distinct = 1;
        }
        for (int i = 0; !oneText && i < plan.groups.length; i++) {
            long[] want = plan.wanted[i];
            if (skipping) {
                boolean some = false;
                for (int w = 0; w < words; w++) some |= (want[w] & ~skip[w]) != 0;
                if (!some) continue;
            }
            int g = plan.groups[i];
            List<Transform> chain = rules[groupExample[g]].transforms();
            String scanned = null;
            LiteralScan by = null; // null: the full automaton, or the few one
            if (spaceFrom[g] >= 0) {
                // The text before the steps taking white space out: read as if it held none when it holds
                // some, as it is (the chain's text then) when it holds none. A NUL the chain takes out too
                // sends it the long way, below.
                String before = (valueClasses & spaceFromChangers[g]) == 0 ? value : transformed(value, chain, steps[groupExample[g]], spaceFrom[g], scans);
                long held = scans.classes(before);
                if (!(spaceNulls[g] && (held & CharClasses.NUL) != 0)) {
                    scanned = before;
                    if ((held & Transform.REMOVE_WHITESPACE.changers()) != 0) by = spaceless;
                }
            }
            if (scanned == null) scanned = (valueClasses & scanChangers[g]) == 0 ? value : transformed(value, chain, steps[groupExample[g]], scanSteps[g], scans);
            int k = 0;
            while (k < distinct && (texts[k] != scanned || scanners[k] != by)) k++;
            if (k == distinct) {
                texts[distinct] = scanned;
                scanners[distinct++] = by;
                full[k] = false;
                for (int w = 0; w < words; w++) wanted[k * words + w] = 0;
            }
            full[k] |= !fewOnly[g];
            for (int w = 0; w < words; w++) wanted[k * words + w] |= want[w] & ~skip[w];
        }
        // 2. Each distinct text is scanned once, unless its characters rule out every literal of the rules wanting it.
        for (int k = 0; k < distinct; k++) {
            long textClasses = scans.classes(texts[k]);
            long[] hits = null;
            for (int w = 0; w < words; w++) {
                long possible = wanted[k * words + w] & possible(w, textClasses);
                if (possible == 0) continue;
                if (hits == null) hits = scans.hits(texts[k], scanners[k] != null ? scanners[k] : full[k] ? literals : fewLiterals);
                candidates[w] |= possible & hits[w];
            }
            texts[k] = null;
        }
        // 3. Only the candidates run their test, on their chain's whole result.
        for (int w = 0; w < words; w++) {
            for (long todo = candidates[w]; todo != 0; todo &= todo - 1) {
                int r = (w << 6) + Long.numberOfTrailingZeros(todo);
                if (phrasesOnly[r]) continue;
                String v = (valueClasses & chainChangers[groupOf[r]]) == 0 ? value
                        : transformed(value, rules[r].transforms(), steps[r], steps[r].length, scans);
                if (!(readsClasses[r] ? rules[r].operator().matches(v, scans.classes(v)) : rules[r].operator().matches(v))) candidates[w] &= ~(1L << r);
            }
        }
        return candidates;
    }

    /**
     * One value's transformations and literal scans. Most transformations leave a benign value as it was
     * (the same string), and the same step often follows the same input in several chains
     * ({@code lowercase} after {@code url_decode_uni}, and after {@code url_decode_uni, html_entity_decode}
     * when there was no entity): each step is computed once per distinct input, each distinct result
     * scanned once. Each distinct text's {@link CharClasses} are read once, and spare the transformations
     * that cannot change it (and some detectors) a pass of their own.
     */
    /** Per thread, a buffer the texts' characters are copied into (kept while it is at most POOL_KEPT characters). */
    private static final ThreadLocal<char[]> POOLS = ThreadLocal.withInitial(() -> new char[8192]);
    static final int POOL_KEPT = 1 << 18;

    private final class Scans {
        private static final int TRANSFORMS = Transform.values().length, TEXTS = 8;
        static {
            if (TRANSFORMS > Long.SIZE) throw new IllegalStateException("outputSet holds one bit per transformation");
        }
        private static final long UNKNOWN = Transform.UNKNOWN_CLASSES;
        // The distinct texts of the value (as received, decoded, lower-cased…), by identity, and what is known of each.
        private final String[] texts = new String[TEXTS];
        private final long[] classes = new long[TEXTS];
        // Each text's characters, copied once into this thread's buffer, read by both the class pass and the scan.
        private char[] pool = POOLS.get();
        private int used;
        private final int[] from = new int[TEXTS], to = new int[TEXTS];
        private final String[][] outputs = new String[TEXTS][TRANSFORMS];
        private final long[] outputSet = new long[TEXTS]; // per slot, which transformations' outputs are known
        private int distinct;
        // Per chain prefix, its result for the current value: valid when stamped with the current generation.
        private final String[] prefixResults = new String[prefixes];
        private final int[] prefixStamps = new int[prefixes];
        private int generation;
        // Literal scans, by content.
        private final String[] seen = new String[16];
        private final LiteralScan[] by = new LiteralScan[16]; // which automaton read it
        private final long[][] found = new long[17][words]; // the last one for a scan not remembered
        private final Owners owners = new Owners();
        private int n;
        // The value's groups: the distinct texts they scan, the automaton each is scanned by, the rules wanting each
        // text's literals, whether a group beyond the few-literal ones reads it; the candidate rules, then the matching ones.
        final String[] scanned = new String[groupRules.length];
        final LiteralScan[] scanners = new LiteralScan[groupRules.length];
        final long[] wanted = new long[groupRules.length * words], candidates = new long[words];
        final boolean[] full = new boolean[groupRules.length];

        /** Forgets the last value: what is known of its texts, its chain prefixes and its scans. */
        void clear() {
            for (int i = 0; i < n; i++) seen[i] = null;
            for (int i = 0; i < distinct; i++) texts[i] = null;
            n = distinct = used = 0;
            generation++;
            if (pool.length > POOL_KEPT) pool = POOLS.get();
        }

        /** Lets go of the strings of the last value (kept per thread, this scratch must not hold a request's data). */
        void release() {
            clear();
            java.util.Arrays.fill(prefixResults, null);
            for (String[] o : outputs) java.util.Arrays.fill(o, null);
        }

        String prefix(int id) {
            return prefixStamps[id] == generation ? prefixResults[id] : null;
        }

        void prefix(int id, String result) {
            prefixResults[id] = result;
            prefixStamps[id] = generation;
        }

        private String output(int slot, Transform t) {
            return (outputSet[slot] & 1L << t.ordinal()) != 0 ? outputs[slot][t.ordinal()] : null;
        }

        /** The text's slot, added when new; -1 when the slots are full (the text is then worked on unremembered). */
        private int slot(String text) {
            for (int i = 0; i < distinct; i++) if (texts[i] == text) return i;
            if (distinct == TEXTS) return -1;
            texts[distinct] = text;
            classes[distinct] = UNKNOWN;
            from[distinct] = -1;
            outputSet[distinct] = 0;
            return distinct++;
        }

        private long classesAt(int i) {
            if (classes[i] == UNKNOWN) {
                copied(i);
                classes[i] = CharClasses.of(pool, from[i], to[i]);
            }
            return classes[i];
        }

        /** Slot {@code i}'s characters are in {@code pool[from[i], to[i])}. */
        private void copied(int i) {
            if (from[i] >= 0) return;
            String t = texts[i];
            int length = t.length();
            if (used + length > pool.length) {
                char[] bigger = java.util.Arrays.copyOf(pool, Math.max(2 * pool.length, used + length));
                if (bigger.length <= POOL_KEPT) POOLS.set(bigger); // a huge value's buffer is not kept
                pool = bigger;
            }
            t.getChars(0, length, pool, used);
            from[i] = used;
            to[i] = used += length;
        }

        long classes(String text) {
            int i = slot(text);
            return i < 0 ? CharClasses.of(text) : classesAt(i);
        }

        String apply(Transform t, String in) {
            int i = slot(in);
            if (i < 0) return t.apply(in);
            String out = output(i, t);
            if (out != null) return out;
            long known = classesAt(i);
            if (t == Transform.URL_DECODE_REPEATED) {
                out = decodedRepeatedly(in);
            } else {
                out = t.apply(in, known);
            }
            outputs[i][t.ordinal()] = out;
            outputSet[i] |= 1L << t.ordinal();
            if (out != in) {
                // What the result holds follows from what the input held, for the transformations that only remove or lower-case.
                int o = slot(out);
                if (o >= 0 && classes[o] == UNKNOWN) classes[o] = t.resultClasses(known);
            }
            return out;
        }

        /**
         * {@link Transform#URL_DECODE_REPEATED} as the memoised {@link Transform#URL_DECODE_UNI} repeated: the
         * same decoding, whose first round is url_decode_uni's own result — one text, not two equal ones.
         */
        private String decodedRepeatedly(String in) {
            String s = in;
            for (int round = 0; round < 8; round++) {
                String d = apply(Transform.URL_DECODE_UNI, s);
                if (d == s || d.equals(s)) return s;
                s = d;
            }
            return s;
        }

        /**
         * The rules whose literals {@code scan} finds in {@code v}. What the full automaton found answers for
         * the few one too: it holds every literal.
         */
        long[] hits(String v, LiteralScan scan) {
            // The same text from two roads (url_decode_uni and url_decode_repeated of a value with one
            // level of encoding) is one scan: comparing costs a fraction of scanning.
            for (int i = 0; i < n; i++) {
                if ((by[i] == scan || by[i] == literals && scan == fewLiterals) && (seen[i] == v || seen[i].length() == v.length() && seen[i].equals(v))) return found[i];
            }
            // The literal automaton ignores case, so a lower-cased value holds the literals its input held.
            for (int i = 0; i < distinct; i++) if (output(i, Transform.LOWERCASE) == v && texts[i] != v) return hits(texts[i], scan);
            int i = slot(v);
            long[] bits = found[n];
            java.util.Arrays.fill(bits, 0);
            owners.bits = bits;
            if (i < 0) {
                char[] c = v.toCharArray();
                scan.rulesIn(c, 0, c.length, owners);
            } else {
                copied(i);
                scan.rulesIn(pool, from[i], to[i], owners);
            }
            if (n < seen.length) {
                seen[n] = v;
                by[n++] = scan;
            }
            return bits;
        }
    }

    /** The value after the first {@code upTo} steps of a chain, each prefix computed once per value. */
    private static String transformed(String value, List<Transform> chain, int[] steps, int upTo, Scans scans) {
        String v = value;
        for (int k = 0; k < upTo; k++) {
            String known = scans.prefix(steps[k]);
            if (known == null) scans.prefix(steps[k], known = scans.apply(chain.get(k), v));
            v = known;
        }
        return v;
    }

    private static boolean excluded(int rule, String target, List<RouteWafConfig.Exclusion> exclusions) {
        for (RouteWafConfig.Exclusion e : exclusions) {
            if (e.covers(rule, target)) return true;
        }
        return false;
    }
}
