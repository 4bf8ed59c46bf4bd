package dev.bastion.waf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many phrases found in one pass (W1's {@code @pm} operator, and the rule prefilters): an Aho–Corasick
 * automaton over UTF-16 chars, built once from a phrase list, then matched in time linear in the text
 * however many phrases there are (CRS lists run to hundreds: scanner user agents, PHP functions, Unix
 * commands). Case-insensitive by construction (both sides lower-cased with
 * {@link Character#toLowerCase(char)}), as CRS's {@code @pm} is.
 *
 * <p>Compiled to a dense transition table — one array read per character of text, failure links folded
 * in at build time — over the alphabet of the phrases' own characters (every other character is one
 * class): a hash map per trie node cost four times as much per character, and inspection scans every
 * value of every request. Immutable once built: safe to share between event loops.
 */
public final class PhraseMatcher {
    private final List<String> phrases;   // distinct, lower case; a phrase's id is its index
    private final int classes;
    private final int[] asciiClass = new int[128];
    /** A text character's class for every Latin-1 character, upper case folded in (the common case: one load). */
    private final int[] latin1Class = new int[256];
    private final int longest;
    private final Map<Character, Integer> otherClass = new HashMap<>();
    private final int[] delta;            // state * classes + class → next state
    private final int[][] matches;        // per state: ids of every phrase ending there (own and along failure links), or null

    /** Characters the text is read as if it did not hold (null: none), and their class (a step that stays put). */
    private final java.util.function.IntPredicate ignored;
    private final int ignoredClass;

    public PhraseMatcher(List<String> phraseList) {
        this(phraseList, null);
    }

    /**
     * Phrases found in the text as if it held none of the {@code ignored} characters: what one finds in the
     * text with those characters removed (a phrase holding one is never found), without removing them.
     */
    PhraseMatcher(List<String> phraseList, java.util.function.IntPredicate ignored) {
        this.ignored = ignored;
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String p : phraseList) {
            if (p == null || p.isEmpty()) continue;
            ids.putIfAbsent(lower(p), ids.size());
        }
        if (ids.isEmpty()) throw new IllegalArgumentException("a phrase list needs at least one non-empty phrase");
        phrases = List.copyOf(ids.keySet());
        int c = 1; // class 0: a character in no phrase
        for (String p : phrases) {
            for (int i = 0; i < p.length(); i++) {
                char ch = p.charAt(i);
                if (ch < 128) {
                    if (asciiClass[ch] == 0) asciiClass[ch] = c++;
                } else if (!otherClass.containsKey(ch)) otherClass.put(ch, c++);
            }
        }
        ignoredClass = ignored == null ? -1 : c++;
        classes = c;
        for (char ch = 0; ch < 256; ch++) latin1Class[ch] = classOfAny(ch);
        longest = phrases.stream().mapToInt(String::length).max().orElse(1);
        // The trie, as growing lists, then failure links breadth first, then the dense table.
        List<int[]> next = new ArrayList<>();
        List<List<Integer>> own = new ArrayList<>();
        next.add(new int[classes]);
        own.add(null);
        for (int id = 0; id < phrases.size(); id++) {
            String p = phrases.get(id);
            if (ignored != null && p.chars().anyMatch(ignored)) continue; // never in a text read without them
            int s = 0;
            for (int i = 0; i < p.length(); i++) {
                int k = classOf(p.charAt(i));
                if (next.get(s)[k] == 0) {
                    next.add(new int[classes]);
                    own.add(null);
                    next.get(s)[k] = next.size() - 1;
                }
                s = next.get(s)[k];
            }
            if (own.get(s) == null) own.set(s, new ArrayList<>(1));
            own.get(s).add(id);
        }
        int states = next.size();
        // Renumbered breadth first, so the shallow states ordinary text keeps returning to sit together in
        // memory (with two thousand phrases, trie order spread them over megabytes: a cache miss a char).
        int[] order = new int[states], newId = new int[states];
        int head = 0, tail = 1;
        while (head < tail) {
            int s = order[head++];
            for (int child : next.get(s)) if (child != 0) order[tail++] = child;
        }
        for (int i = 0; i < states; i++) newId[order[i]] = i;
        List<int[]> renumbered = new ArrayList<>(states);
        List<List<Integer>> renumberedOwn = new ArrayList<>(states);
        for (int i = 0; i < states; i++) {
            int[] row = next.get(order[i]).clone();
            for (int k = 0; k < classes; k++) if (row[k] != 0) row[k] = newId[row[k]];
            renumbered.add(row);
            renumberedOwn.add(own.get(order[i]));
        }
        next = renumbered;
        own = renumberedOwn;
        int[] fail = new int[states];
        delta = new int[states * classes];
        matches = new int[states][];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int k = 0; k < classes; k++) {
            int child = next.get(0)[k];
            delta[k] = child;
            if (child != 0) queue.add(child);
        }
        if (ignored != null) delta[ignoredClass] = 0;
        matches[0] = null;
        while (!queue.isEmpty()) {
            int s = queue.poll();
            List<Integer> found = new ArrayList<>();
            if (own.get(s) != null) found.addAll(own.get(s));
            if (matches[fail[s]] != null) for (int id : matches[fail[s]]) found.add(id);
            matches[s] = found.isEmpty() ? null : found.stream().mapToInt(Integer::intValue).toArray();
            for (int k = 0; k < classes; k++) {
                int child = next.get(s)[k];
                if (k == ignoredClass) {
                    delta[s * classes + k] = s; // an ignored character: the walk stays where it is
                } else if (child != 0) {
                    fail[child] = delta[fail[s] * classes + k];
                    delta[s * classes + k] = child;
                    queue.add(child);
                } else {
                    delta[s * classes + k] = delta[fail[s] * classes + k];
                }
            }
        }
        // A state is stored as its row offset (state * classes), so a step is one load and one add —
        // matching is bound by the latency of that chain, one character after the other — and as the
        // complement of that offset when phrases end in it, so the common step tests only the sign.
        for (int i = 0; i < delta.length; i++) {
            int target = delta[i];
            // staying put on an ignored character reports nothing new
            delta[i] = matches[target] == null || i % classes == ignoredClass ? target * classes : ~(target * classes);
        }
    }

    private static String lower(String p) {
        StringBuilder b = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) b.append(Character.toLowerCase(p.charAt(i)));
        return b.toString();
    }

    private int classOf(char lowered) {
        if (lowered < 128) return asciiClass[lowered];
        Integer k = otherClass.get(lowered);
        return k == null ? 0 : k;
    }

    private int classOfText(char c) {
        return c < 256 ? latin1Class[c] : classOfAny(c);
    }

    private int classOfAny(char c) {
        return ignored != null && ignored.test(c) ? ignoredClass : classOf(Character.toLowerCase(c));
    }

    /** The distinct phrases, lower case, in the order of their ids. */
    public List<String> phrases() {
        return phrases;
    }

    /** How many distinct phrases (case-insensitively). */
    public int size() {
        return phrases.size();
    }

    /** The first phrase found (the one ending earliest; the longest of those ending there), or null. */
    public String find(String text) {
        int row = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            row = delta[row + classOfText(text.charAt(i))];
            if (row < 0) return phrases.get(matches[~row / classes][0]);
        }
        return null;
    }

    /** Called with the id of every phrase occurrence, in text order of their ends. */
    public interface Sink {
        void found(int id, int end);
    }

    public void forEach(String text, Sink sink) {
        int row = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            row = delta[row + classOfText(text.charAt(i))];
            if (row < 0) {
                row = ~row;
                for (int id : matches[row / classes]) sink.found(id, i + 1);
            }
        }
    }

    /** Texts at least this long are read from four places at once (see {@link #forEachPresent}). */
    static final int SPLIT_AT = 256;

    /**
     * Called at least once for every phrase occurring in the text — in no particular order, and perhaps
     * twice for one occurrence: for callers that want to know which phrases occur, not where. A long text
     * is read as four quarters walked side by side. Each step of a walk waits for the table read of the
     * step before (matching is bound by that latency, not by work), so four independent walks cost not
     * much more than one: measured 2.6 times faster on a 2.7 KB value. Every walk but the last reads
     * {@code longest - 1} characters (ignored ones not counting) into the next quarter, so it finds every
     * occurrence that starts in its own quarter; a walk starting fresh finds every occurrence that starts
     * where it starts or later.
     */
    public void forEachPresent(String text, Sink sink) {
        char[] b = text.toCharArray();
        forEachPresent(b, 0, b.length, sink);
    }

    /**
     * {@link #forEachPresent(String, Sink)} over {@code b[from, to)} (arrays read at four places cost half
     * what String.charAt does); the ends reported are indices into {@code b}.
     */
    public void forEachPresent(char[] b, int from, int to, Sink sink) {
        int n = to - from;
        if (n < SPLIT_AT) {
            walk(b, from, to, 0, sink);
            return;
        }
        int q = n / 4, s0 = from, s1 = from + q, s2 = from + 2 * q, s3 = from + 3 * q;
        int common = Math.min(q + longest - 1, to - s3);
        int r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        int[] delta = this.delta, latin1 = latin1Class;
        for (int i = 0; i < common; i++) {
            char c0 = b[s0 + i], c1 = b[s1 + i], c2 = b[s2 + i], c3 = b[s3 + i];
            if ((c0 | c1 | c2 | c3) >= 256) { // outside Latin-1: the slow class look-up, one walk at a time
                r0 = step(r0, c0, s0 + i, sink);
                r1 = step(r1, c1, s1 + i, sink);
                r2 = step(r2, c2, s2 + i, sink);
                r3 = step(r3, c3, s3 + i, sink);
                continue;
            }
            r0 = delta[r0 + latin1[c0]];
            r1 = delta[r1 + latin1[c1]];
            r2 = delta[r2 + latin1[c2]];
            r3 = delta[r3 + latin1[c3]];
            if ((r0 | r1 | r2 | r3) < 0) {
                r0 = reported(r0, s0 + i, sink);
                r1 = reported(r1, s1 + i, sink);
                r2 = reported(r2, s2 + i, sink);
                r3 = reported(r3, s3 + i, sink);
            }
        }
        walk(b, s0 + common, overlapEnd(b, s1, to), r0, sink);
        walk(b, s1 + common, overlapEnd(b, s2, to), r1, sink);
        walk(b, s2 + common, overlapEnd(b, s3, to), r2, sink);
        walk(b, s3 + common, to, r3, sink);
    }

    /** Where a walk ending its quarter at {@code at} stops: {@code longest - 1} characters it reads further. */
    private int overlapEnd(char[] b, int at, int to) {
        if (ignored == null) return Math.min(to, at + longest - 1);
        int i = at;
        for (int read = 0; i < to && read < longest - 1; i++) if (classOfText(b[i]) != ignoredClass) read++;
        return i;
    }

    /** A walk's state after reporting the phrases ending at {@code b[at]} when it is a matching one. */
    private int reported(int row, int at, Sink sink) {
        if (row >= 0) return row;
        row = ~row;
        for (int id : matches[row / classes]) sink.found(id, at + 1);
        return row;
    }

    /** One step of a walk, over {@code c} at {@code at}. */
    private int step(int row, char c, int at, Sink sink) {
        return reported(delta[row + classOfText(c)], at, sink);
    }

    /** Goes on walking from {@code row} over {@code b[from, to)}. */
    private void walk(char[] b, int from, int to, int row, Sink sink) {
        for (int i = from; i < to; i++) row = step(row, b[i], i, sink);
    }

    /** Every phrase occurrence, as {@code [start, end)} spans in text order of their ends. */
    public List<int[]> findAll(String text) {
        List<int[]> out = new ArrayList<>();
        forEach(text, (id, end) -> out.add(new int[] {end - phrases.get(id).length(), end}));
        return out;
    }

    @Override
    public String toString() {
        return "PhraseMatcher" + phrases.stream().limit(5).toList() + (phrases.size() > 5 ? "…" : "") + " (" + phrases.size() + ")";
    }
}
