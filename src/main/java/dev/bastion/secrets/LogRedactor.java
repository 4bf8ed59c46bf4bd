package dev.bastion.secrets;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Defence in depth (K3): the log writers pass every line through {@link #redact}, which replaces any
 * secret value this process has resolved — the current one and every earlier one of a rotated secret —
 * with {@code [REDACTED]}. The {@link Secret} type already keeps values out of logs; this catches the
 * bug that calls {@code reveal()} into a message anyway.
 *
 * <p>One Aho–Corasick automaton over all values scans a line in one pass whatever their number; a line
 * without a secret is returned as it is, without allocating. Values shorter than {@link #MIN_LENGTH}
 * are not scanned: a short password would turn every word it occurs in into {@code [REDACTED]}. Each
 * value's JSON-escaped form is scanned too, since the JSON log writer escapes quotes and backslashes.
 */
public final class LogRedactor {
    public static final int MIN_LENGTH = 8;
    public static final String MARK = "[REDACTED]";

    private static final LogRedactor GLOBAL = new LogRedactor();

    private final Set<String> values = new LinkedHashSet<>();
    private final LongAdder redactions = new LongAdder();
    private volatile Automaton automaton = Automaton.of(List.of());

    /** A redactor of its own (tests); the log writers use {@link #global()}. */
    LogRedactor() {}

    /** The process's redactor: logback's writers are process-wide, so the set of values is too. */
    public static LogRedactor global() {
        return GLOBAL;
    }

    /** Scans lines for this value from now on (a no-op when it is shorter than {@link #MIN_LENGTH}). */
    public synchronized void add(String value) {
        if (value.length() < MIN_LENGTH) return;
        boolean changed = values.add(value);
        String escaped = jsonEscaped(value);
        if (!escaped.equals(value)) changed |= values.add(escaped);
        if (changed) automaton = Automaton.of(List.copyOf(values));
    }

    /** The line with every known secret value replaced; the same instance when it holds none. */
    public String redact(String line) {
        Automaton a = automaton;
        int[] spans = a.find(line);
        if (spans == null) return line;
        StringBuilder out = new StringBuilder(line.length());
        int at = 0;
        for (int i = 0; i < spans.length; i += 2) {
            out.append(line, at, spans[i]).append(MARK);
            at = spans[i + 1];
            redactions.increment();
        }
        return out.append(line, at, line.length()).toString();
    }

    /** How many values were replaced in log lines so far. */
    public long redactions() {
        return redactions.sum();
    }

    private static String jsonEscaped(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Aho–Corasick over chars: per node its sorted edge labels, their targets, its failure link and the longest value ending there. */
    static final class Automaton {
        private final char[][] labels;
        private final int[][] targets;
        private final int[] fail;
        private final int[] longest;
        /** The root's edges by ASCII character (-1: none): a line sits at the root almost throughout, and this is one load. */
        private final int[] root = new int[128];

        private Automaton(char[][] labels, int[][] targets, int[] fail, int[] longest) {
            this.labels = labels;
            this.targets = targets;
            this.fail = fail;
            this.longest = longest;
            for (char c = 0; c < root.length; c++) root[c] = edge(0, c);
        }

        static Automaton of(List<String> patterns) {
            List<StringBuilder> lbl = new ArrayList<>();
            List<List<Integer>> tgt = new ArrayList<>();
            List<Integer> len = new ArrayList<>();
            lbl.add(new StringBuilder());
            tgt.add(new ArrayList<>());
            len.add(0);
            for (String p : patterns) {
                int n = 0;
                for (int i = 0; i < p.length(); i++) {
                    int k = lbl.get(n).indexOf(String.valueOf(p.charAt(i)));
                    if (k >= 0) {
                        n = tgt.get(n).get(k);
                    } else {
                        lbl.get(n).append(p.charAt(i));
                        tgt.get(n).add(lbl.size());
                        n = lbl.size();
                        lbl.add(new StringBuilder());
                        tgt.add(new ArrayList<>());
                        len.add(0);
                    }
                }
                len.set(n, Math.max(len.get(n), p.length()));
            }
            int size = lbl.size();
            char[][] labels = new char[size][];
            int[][] targets = new int[size][];
            for (int n = 0; n < size; n++) {
                // Sorted, for a binary search per character.
                Integer[] order = new Integer[lbl.get(n).length()];
                for (int i = 0; i < order.length; i++) order[i] = i;
                final int node = n;
                Arrays.sort(order, (x, y) -> Character.compare(lbl.get(node).charAt(x), lbl.get(node).charAt(y)));
                labels[n] = new char[order.length];
                targets[n] = new int[order.length];
                for (int i = 0; i < order.length; i++) {
                    labels[n][i] = lbl.get(n).charAt(order[i]);
                    targets[n][i] = tgt.get(n).get(order[i]);
                }
            }
            int[] fail = new int[size];
            int[] longest = new int[size];
            for (int n = 0; n < size; n++) longest[n] = len.get(n);
            Automaton a = new Automaton(labels, targets, fail, longest);
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int t : targets[0]) queue.add(t);
            while (!queue.isEmpty()) {
                int n = queue.poll();
                for (int i = 0; i < labels[n].length; i++) {
                    int child = targets[n][i];
                    int f = fail[n];
                    int next;
                    while ((next = a.edge(f, labels[n][i])) < 0 && f != 0) f = fail[f];
                    fail[child] = next >= 0 && next != child ? next : 0;
                    longest[child] = Math.max(longest[child], longest[fail[child]]);
                    queue.add(child);
                }
            }
            return a;
        }

        private int edge(int node, char c) {
            int k = Arrays.binarySearch(labels[node], c);
            return k >= 0 ? targets[node][k] : -1;
        }

        /**
         * The merged spans of every match as {@code [start, end, start, end, …]} in order, or null when there is none.
         */
        int[] find(String s) {
            if (labels[0].length == 0) return null;
            int[] spans = null;
            int count = 0;
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int next = -1;
                while (n != 0 && (next = edge(n, c)) < 0) n = fail[n];
                if (n == 0) next = c < root.length ? root[c] : edge(0, c);
                n = next < 0 ? 0 : next;
                if (longest[n] == 0) continue;
                int start = i + 1 - longest[n], end = i + 1;
                if (spans == null) spans = new int[8];
                // A match overlapping earlier ones (it may reach back over several): one span covers them all.
                while (count > 0 && start <= spans[count - 1]) {
                    start = Math.min(start, spans[count - 2]);
                    count -= 2;
                }
                if (count == spans.length) spans = Arrays.copyOf(spans, spans.length * 2);
                spans[count++] = start;
                spans[count++] = end;
            }
            return spans == null ? null : Arrays.copyOf(spans, count);
        }
    }
}
