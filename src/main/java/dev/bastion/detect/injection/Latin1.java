package dev.bastion.detect.injection;

import java.util.function.UnaryOperator;

/**
 * Latin-1 text (every char below U+0100: English and Western European prose) folds char by char, so a fold can be
 * a table lookup per char instead of three Unicode normalisations. Why it is safe, for {@link TextFolding} and
 * {@link InjectionText}'s folding alike: no Latin-1 char decomposes into a combining mark that could join or be
 * reordered with its neighbours' (those that decompose to a mark decompose to a space and the mark, {@code ¨} to
 * {@code " ̈"}); nothing composes across chars without a mark between; lower case is context-free below U+0100
 * (the final-sigma rule needs a Σ); and no fold of a Latin-1 char is a Cyrillic or Greek look-alike ({@code µ}
 * folds to Greek {@code μ}, which {@link Confusables} does not map). {@code DetectorEquivalenceTest} checks the
 * tables on every pair of Latin-1 chars against the full folds.
 */
final class Latin1 {
    private static final char SOFT_HYPHEN = '\u00AD';

    private Latin1() {}

    static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0xFF) return false;
        return true;
    }

    /** Latin-1 without the soft hyphen, the one Latin-1 char {@link InvisibleCharacters} removes (silently). */
    static boolean isPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || c == SOFT_HYPHEN) return false;
        }
        return true;
    }

    /** {@code fold} of each Latin-1 char alone. */
    static String[] table(UnaryOperator<String> fold) {
        String[] table = new String[0x100];
        for (char c = 0; c < table.length; c++) table[c] = fold.apply(String.valueOf(c));
        return table;
    }

    /** The Latin-1 text with each char replaced by its entry in {@code table}. */
    static String map(String latin1, String[] table) {
        StringBuilder out = new StringBuilder(latin1.length() + 8);
        for (int i = 0; i < latin1.length(); i++) out.append(table[latin1.charAt(i)]);
        return out.toString();
    }
}
