package dev.bastion.detect.injection;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one view all phrase matching runs on, for the text and for the patterns alike: NFKD (full-width
 * and styled letters become plain ones, accents split off), lower case, accents dropped
 * ({@code précédentes} matches {@code precedentes}), then Cyrillic/Greek look-alikes turned into the
 * Latin letters they imitate. Folding both sides the same way keeps Russian patterns working although
 * their look-alike letters fold too. Lower case comes before the look-alikes because only lower-case
 * pairs fold the same at every position: Cyrillic {@code Н} passes for {@code H} but {@code н} does
 * not, so folding capitals would make "Не" and "не" differ. Linear: each step is one pass.
 */
final class TextFolding {
    private TextFolding() {}

    static String fold(String text) {
        return Latin1.isLatin1(text) ? Latin1.map(text, LATIN1_FOLDED) : unicodeFold(text);
    }

    /** {@link #unicodeFold} of each Latin-1 char alone: Latin-1 text folds char by char (see {@link Latin1}). */
    private static final String[] LATIN1_FOLDED = Latin1.table(TextFolding::unicodeFold);

    private static String unicodeFold(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.NON_SPACING_MARK) continue;
            char latin = Confusables.latinFor(cp);
            if (latin != 0) out.append(latin);
            else out.appendCodePoint(cp);
        }
        return out.toString();
    }
}
