package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A phrase as a sequence of word steps with bounded filler between them, matched over {@link Tokens}.
 * Written as a tiny language so the pattern tables stay readable:
 * <pre>
 *   ignore|disregard ~3 previous|prior ~3 instruction*|rules
 * </pre>
 * {@code a|b} are alternatives, {@code ~N} allows up to N filler words before the next step, {@code _}
 * joins words of one alternative ({@code system_prompt}), a trailing {@code *} matches a word prefix
 * ({@code instruction*}). Alternatives go through the same folding and tokenizing as the text, so
 * {@code don't}, {@code précédentes} and {@code 以前の} mean what they say.
 *
 * <p>Matching starts only at words that can begin the phrase; from there it explores at most
 * (gap + 1) positions per step over a handful of steps, a constant, so scanning is linear in the
 * number of words. No regex, so no backtracking.
 */
final class PhrasePattern {
    final int signal; // its index in InjectionSignals.ALL
    final double weight;
    private final Step[] steps;

    private PhrasePattern(String signal, double weight, Step[] steps) {
        this.signal = SignalWeights.index(signal);
        this.weight = weight;
        this.steps = steps;
    }

    static PhrasePattern compile(String signal, double weight, String source) {
        List<Step> steps = new ArrayList<>();
        int gap = 0;
        for (String part : source.trim().split("\\s+")) {
            if (part.startsWith("~")) gap = Integer.parseInt(part.substring(1));
            else {
                steps.add(Step.parse(steps.isEmpty() ? 0 : gap, part));
                gap = 0;
            }
        }
        if (steps.isEmpty()) throw new IllegalArgumentException("empty pattern");
        return new PhrasePattern(signal, weight, steps.toArray(Step[]::new));
    }

    /** Keys (see {@link #keyOf}) of the words this phrase can start with. */
    Set<Long> firstKeys() {
        Set<Long> keys = new LinkedHashSet<>();
        for (Alternative a : steps[0].alternatives) {
            String first = a.words[0];
            if (a.prefix && a.words.length == 1 && first.length() < KEY_LENGTH)
                throw new IllegalArgumentException("a leading prefix needs at least " + KEY_LENGTH + " letters: " + first);
            keys.add(keyOf(first, 0, first.length()));
        }
        return keys;
    }

    static final int KEY_LENGTH = 4;

    /**
     * Index key of the word {@code text[from, to)}: its first {@value #KEY_LENGTH} chars packed 16 bits each
     * into a long, so exact words and prefixes share one lookup, made without copying the word. No word
     * holds a char 0, so words of different lengths never share a key.
     */
    static long keyOf(String text, int from, int to) {
        long key = 0;
        for (int i = from, end = Math.min(to, from + KEY_LENGTH); i < end; i++) key = key << 16 | text.charAt(i);
        return key;
    }

    boolean matchesAt(Tokens tokens, int start) {
        return matchFrom(tokens, 0, start);
    }

    private boolean matchFrom(Tokens tokens, int step, int position) {
        if (step == steps.length) return true;
        Step s = steps[step];
        for (int gap = 0; gap <= s.gapBefore && position + gap < tokens.count(); gap++) {
            int at = position + gap;
            Alternative[] exact = s.byFirstWord.get(tokens.key(at)); // those whose first word shares the key; endAt compares
            if (exact != null) {
                for (Alternative a : exact) {
                    int end = a.endAt(tokens, at);
                    if (end >= 0 && matchFrom(tokens, step + 1, end)) return true;
                }
            }
            for (Alternative a : s.singleWordPrefixes) {
                if (tokens.startsWith(at, a.words[0]) && matchFrom(tokens, step + 1, at + 1)) return true;
            }
        }
        return false;
    }

    private record Alternative(String[] words, boolean prefix) {
        /** The token index after this alternative when it matches at {@code at}, else -1. */
        int endAt(Tokens tokens, int at) {
            if (at + words.length > tokens.count()) return -1;
            int last = words.length - 1;
            for (int i = 0; i < last; i++) if (!tokens.is(at + i, words[i])) return -1;
            boolean ok = prefix ? tokens.startsWith(at + last, words[last]) : tokens.is(at + last, words[last]);
            return ok ? at + words.length : -1;
        }
    }

    private static final class Step {
        final int gapBefore;
        final List<Alternative> alternatives;
        // Alternatives by the key of their first word, so a step with thirty alternatives costs one lookup per position.
        final KeyTable<Alternative[]> byFirstWord;
        final Alternative[] singleWordPrefixes;

        private Step(int gapBefore, List<Alternative> alternatives, KeyTable<Alternative[]> byFirstWord, Alternative[] singleWordPrefixes) {
            this.gapBefore = gapBefore;
            this.alternatives = alternatives;
            this.byFirstWord = byFirstWord;
            this.singleWordPrefixes = singleWordPrefixes;
        }

        static Step parse(int gapBefore, String part) {
            List<Alternative> alternatives = new ArrayList<>();
            Map<Long, List<Alternative>> byKey = new LinkedHashMap<>();
            List<Alternative> prefixes = new ArrayList<>();
            for (String alt : part.split("\\|")) {
                boolean prefix = alt.endsWith("*");
                String text = (prefix ? alt.substring(0, alt.length() - 1) : alt).replace('_', ' ');
                Tokens tokens = Tokens.of(TextFolding.fold(text));
                String[] words = new String[tokens.count()];
                for (int i = 0; i < words.length; i++) words[i] = tokens.word(i);
                if (words.length == 0) throw new IllegalArgumentException("alternative without words: " + alt);
                Alternative a = new Alternative(words, prefix);
                alternatives.add(a);
                if (prefix && words.length == 1) prefixes.add(a);
                else byKey.computeIfAbsent(keyOf(words[0], 0, words[0].length()), k -> new ArrayList<>()).add(a);
            }
            Map<Long, Alternative[]> table = new LinkedHashMap<>();
            byKey.forEach((key, list) -> table.put(key, list.toArray(Alternative[]::new)));
            return new Step(gapBefore, alternatives, new KeyTable<>(table), prefixes.toArray(Alternative[]::new));
        }
    }
}
