package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

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
    final String signal;
    final double weight;
    private final Step[] steps;

    private PhrasePattern(String signal, double weight, Step[] steps) {
        this.signal = signal;
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
    Set<String> firstKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Alternative a : steps[0].alternatives) {
            String first = a.words[0];
            if (a.prefix && a.words.length == 1 && first.length() < KEY_LENGTH)
                throw new IllegalArgumentException("a leading prefix needs at least " + KEY_LENGTH + " letters: " + first);
            keys.add(keyOf(first));
        }
        return keys;
    }

    private static final int KEY_LENGTH = 4;

    /** Index key of a word: its first few chars, so exact words and prefixes share one hash lookup. */
    static String keyOf(String word) {
        return word.length() <= KEY_LENGTH ? word : word.substring(0, KEY_LENGTH);
    }

    boolean matchesAt(String[] tokens, int start) {
        return matchFrom(tokens, 0, start);
    }

    private boolean matchFrom(String[] tokens, int step, int position) {
        if (step == steps.length) return true;
        Step s = steps[step];
        for (int gap = 0; gap <= s.gapBefore && position + gap < tokens.length; gap++) {
            if (s.matchAt(tokens, position + gap, end -> matchFrom(tokens, step + 1, end))) return true;
        }
        return false;
    }

    private record Alternative(String[] words, boolean prefix) {
        /** The token index after this alternative when it matches at {@code at}, else -1. */
        int endAt(String[] tokens, int at) {
            if (at + words.length > tokens.length) return -1;
            int last = words.length - 1;
            for (int i = 0; i < last; i++) if (!tokens[at + i].equals(words[i])) return -1;
            String t = tokens[at + last];
            boolean ok = prefix ? t.startsWith(words[last]) : t.equals(words[last]);
            return ok ? at + words.length : -1;
        }
    }

    private static final class Step {
        final int gapBefore;
        final List<Alternative> alternatives = new ArrayList<>();
        // Exact first words by hash, so a step with thirty alternatives costs one lookup per position.
        final Map<String, List<Alternative>> byFirstWord = new HashMap<>();
        final List<Alternative> singleWordPrefixes = new ArrayList<>();

        Step(int gapBefore) {
            this.gapBefore = gapBefore;
        }

        static Step parse(int gapBefore, String part) {
            Step step = new Step(gapBefore);
            for (String alt : part.split("\\|")) {
                boolean prefix = alt.endsWith("*");
                String text = (prefix ? alt.substring(0, alt.length() - 1) : alt).replace('_', ' ');
                String[] words = Tokens.of(TextFolding.fold(text));
                if (words.length == 0) throw new IllegalArgumentException("alternative without words: " + alt);
                Alternative a = new Alternative(words, prefix);
                step.alternatives.add(a);
                if (prefix && words.length == 1) step.singleWordPrefixes.add(a);
                else step.byFirstWord.computeIfAbsent(words[0], k -> new ArrayList<>()).add(a);
            }
            return step;
        }

        boolean matchAt(String[] tokens, int at, IntPredicate rest) {
            List<Alternative> exact = byFirstWord.get(tokens[at]);
            if (exact != null) {
                for (Alternative a : exact) {
                    int end = a.endAt(tokens, at);
                    if (end >= 0 && rest.test(end)) return true;
                }
            }
            for (Alternative a : singleWordPrefixes) {
                if (tokens[at].startsWith(a.words[0]) && rest.test(at + 1)) return true;
            }
            return false;
        }
    }
}
