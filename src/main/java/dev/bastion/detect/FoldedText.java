package dev.bastion.detect;

/**
 * The text as a model reads it, for the detectors: characters that hide an entity from a pattern but not
 * from a model are undone, and every folded character remembers where it came from, so a finding is
 * reported (and redacted) over the original characters. A model reads {@code 4​1​1​1…} with zero-width
 * spaces, {@code ４１１１…} in full-width digits, {@code ٤١١١…} in Arabic-Indic ones or {@code 4111 1111…}
 * with no-break spaces as the card number it is; a detector written for ASCII saw none of them.
 *
 * <ul>
 *   <li>removed: format characters (zero-width spaces and joiners, soft hyphens, bidi controls, the byte-order
 *       mark, tag characters), variation selectors, and control characters other than tab and line breaks;</li>
 *   <li>every decimal digit of any script → its ASCII digit;</li>
 *   <li>full-width ASCII forms ({@code Ａ}, {@code ＠}, {@code ０}) → ASCII;</li>
 *   <li>every space separator (no-break, narrow, figure, ideographic…) → a space; every dash and the minus
 *       sign → {@code -}.</li>
 * </ul>
 *
 * Text that needs none of this (all printable ASCII, most text) costs one pass and no copy.
 */
public final class FoldedText {
    private final String text;
    private final String original;
    private final int[] origin; // origin[i]: where folded char i came from; origin[length] = the original's length

    private FoldedText(String text, String original, int[] origin) {
        this.text = text;
        this.original = original;
        this.origin = origin;
    }

    /** The folded view of {@code s}, or null when folding would not change it. */
    public static FoldedText of(String s) {
        int n = s.length();
        int first = 0; // the first character folding changes; text in other scripts is looked at, never copied
        while (first < n && !foldsAt(s, first)) first += Character.charCount(s.codePointAt(first));
        if (first == n) return null;
        StringBuilder out = new StringBuilder(n);
        int[] origin = new int[n + 1];
        out.append(s, 0, first);
        for (int i = 0; i < first; i++) origin[i] = i;
        for (int i = first; i < n; ) {
            int cp = s.codePointAt(i);
            int folded = fold(cp);
            if (folded >= 0) {
                origin[out.length()] = i;
                out.appendCodePoint(folded);
                origin[out.length() - 1] = i; // both halves of a surrogate pair kept as it is come from i
            }
            i += Character.charCount(cp);
        }
        origin[out.length()] = n;
        return new FoldedText(out.toString(), s, origin);
    }

    /**
     * Whether folding changes the char at {@code i} (the code point starting there; the low half of a pair reads
     * as itself, which folding keeps), as {@link #of} decides where its copy must start.
     */
    static boolean foldsAt(String s, int i) {
        if (unchanged(s.charAt(i))) return false;
        int cp = s.codePointAt(i);
        return fold(cp) != cp;
    }

    /** Printable ASCII, tab and line breaks: nothing to fold. */
    private static boolean unchanged(char c) {
        return c >= 0x20 ? c < 0x7f : c == '\t' || c == '\n' || c == '\r';
    }

    /** What a code point reads as: an ASCII stand-in, itself, or -1 to drop it. */
    static int fold(int cp) {
        if (cp < 0x80) return cp >= 0x20 && cp < 0x7f || cp == '\t' || cp == '\n' || cp == '\r' ? cp : -1;
        if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0; // full-width ASCII
        if (cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF) return -1; // variation selectors
        return switch (Character.getType(cp)) {
            case Character.FORMAT, Character.CONTROL -> -1;
            case Character.DECIMAL_DIGIT_NUMBER -> '0' + Character.digit(cp, 10);
            case Character.SPACE_SEPARATOR -> ' ';
            case Character.DASH_PUNCTUATION -> '-';
            default -> cp == 0x2212 ? '-' : cp; // the minus sign
        };
    }

    /** The folded text the detectors read. */
    public String text() {
        return text;
    }

    /** The finding, found in {@link #text()}, over the original's characters (those dropped inside it included). */
    public Finding toOriginal(Finding f) {
        int start = origin[f.start()];
        int last = origin[f.end() - 1];
        int end = last + Character.charCount(original.codePointAt(last));
        return new Finding(f.type(), f.category(), start, end);
    }
}
