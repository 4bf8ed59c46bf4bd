package dev.bastion.detect.injection;

/**
 * Words that mix plain Latin letters with look-alikes from other blocks: Cyrillic or Greek letters of
 * {@link Confusables} ("іgnore" with a Cyrillic і) or full-width and mathematical letters ("ｉgnore").
 * Honest text almost never mixes scripts inside one word. Whole words in full-width or styled letters
 * ("ＩＧＮＯＲＥ") are counted apart: Japanese text uses full-width acronyms routinely, so they are weak.
 * Not caught: a word spelled entirely in Cyrillic look-alikes ("ѕсоре"); {@link TextFolding} still turns
 * it into Latin, so the phrase signals see through it anyway.
 */
final class Homoglyphs {
    record Scan(int mixedWords, int styledWords) {}

    private Homoglyphs() {}

    static Scan scan(String visible) {
        int mixed = 0;
        int styled = 0;
        boolean ascii = false;
        boolean lookalike = false;
        int styledLetters = 0;
        boolean other = false;
        for (int i = 0; i <= visible.length(); ) {
            int cp = i < visible.length() ? visible.codePointAt(i) : ' ';
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.NON_SPACING_MARK) continue;
            if (Character.isLetterOrDigit(cp)) {
                if (cp < 0x80) ascii |= Character.isLetter(cp);
                else if (Confusables.latinFor(cp) != 0) lookalike = true;
                else if (isStyledLatin(cp)) styledLetters++;
                else other |= Character.isLetter(cp);
                continue;
            }
            if (ascii && (lookalike || styledLetters > 0)) mixed++;
            else if (!ascii && !lookalike && !other && styledLetters >= 3) styled++;
            ascii = lookalike = other = false;
            styledLetters = 0;
        }
        return new Scan(mixed, styled);
    }

    /** Full-width Latin letters and the mathematical alphanumeric letters ("𝐢𝐠𝐧𝐨𝐫𝐞"). */
    private static boolean isStyledLatin(int cp) {
        return (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) || (cp >= 0x1D400 && cp <= 0x1D6A3);
    }
}
