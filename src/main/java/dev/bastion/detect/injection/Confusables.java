package dev.bastion.detect.injection;

/**
 * Cyrillic and Greek letters that look like Latin ones, mapped case for case (Cyrillic {@code і} to
 * {@code i}, Greek {@code Ο} to {@code O}). {@link Homoglyphs} uses both cases to spot mixed words;
 * {@link TextFolding} lower-cases first, so only the lower-case entries fold text. A deliberately small table: only letters a reader cannot
 * tell apart in common fonts, not Unicode's full confusables list (which would also fold letters that
 * merely resemble each other and blur ordinary Greek or Russian words into false Latin matches).
 */
final class Confusables {
    private static final int FIRST = 0x0370;
    private static final int LAST = 0x052F;
    private static final char[] TO_LATIN = new char[LAST - FIRST + 1];

    static {
        // Greek capitals, then the lowercase letters that pass for Latin.
        map("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX");
        map("οιναρκυ", "oivapku");
        // Cyrillic capitals, then lowercase (і ј ѕ ԁ һ ԛ ԝ ӏ are the favourites of homoglyph attacks).
        map("АВЕКМНОРСТХУІЈЅԚԜ", "ABEKMHOPCTXYIJSQW");
        map("аеорсухіјѕԁһԛԝӏ", "aeopcyxijsdhqwl");
    }

    private Confusables() {}

    private static void map(String from, String to) {
        for (int i = 0; i < from.length(); i++) TO_LATIN[from.charAt(i) - FIRST] = to.charAt(i);
    }

    /** The Latin letter {@code cp} passes for, or 0 when it is not a look-alike. */
    static char latinFor(int cp) {
        return cp >= FIRST && cp <= LAST ? TO_LATIN[cp - FIRST] : 0;
    }
}
