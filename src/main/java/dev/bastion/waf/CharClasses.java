package dev.bastion.waf;

/**
 * Which kinds of character a text holds, as the bits of one {@code long}, read in one pass of one table
 * look-up a character. The inspector reads it once per distinct text; transformations then return the
 * texts they cannot change without reading them again (no {@code %} and no {@code +}: nothing to
 * URL-decode), and detectors pass over texts that hold nothing their attack needs. Measured on a 2.7 KB
 * form value: the pass costs 0.3 ns a character, where each transformation's own "anything to do?" loop
 * cost 1 to 2.
 *
 * <p>Each of the 32 ASCII punctuation characters has its own bit ({@link #of(String)} builds the set of
 * some); the rest are {@link #UPPER} (A–Z), {@link #SPACE}, {@link #CONTROL} (below U+0020, and DEL),
 * {@link #NUL} (also a control) and {@link #NON_ASCII}. Letters a–z and digits have none.
 */
final class CharClasses {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    static final long UPPER = 1L << 32;
    static final long SPACE = 1L << 33;
    static final long CONTROL = 1L << 34;
    static final long NUL = 1L << 35;
    static final long NON_ASCII = 1L << 36;
    /** Where white space can hide: a space, a control character (tab, line breaks), or beyond ASCII (U+00A0, U+3000). */
    static final long BLANK = SPACE | CONTROL | NON_ASCII;

    private static final long[] ASCII = new long[128];
    /** Per Latin-1 character (index {@code c & 0xff}, the loop needs no bounds check): ASCII's classes, and NON_ASCII above. */
    private static final long[] LATIN1 = new long[256];

    static {
        for (int i = 0; i < PUNCTUATION.length(); i++) ASCII[PUNCTUATION.charAt(i)] = 1L << i;
        for (char c = 'A'; c <= 'Z'; c++) ASCII[c] = UPPER;
        for (char c = 0; c < ' '; c++) ASCII[c] = CONTROL;
        ASCII[0] = CONTROL | NUL;
        ASCII[0x7f] = CONTROL;
        ASCII[' '] = SPACE;
        for (int c = 0; c < 256; c++) LATIN1[c] = c < 128 ? ASCII[c] : NON_ASCII;
    }

    private CharClasses() {}

    /** The classes of the characters of {@code text}; as a set to test against, {@code of("%+")} is those two. */
    static long of(String text) {
        return of(text.toCharArray());
    }

    static long of(char[] text) {
        return of(text, 0, text.length);
    }

    static long of(char[] text, int from, int to) {
        long classes = 0;
        for (int i = from; i < to; i++) {
            char c = text[i];
            classes |= c >>> 8 == 0 ? LATIN1[c & 0xff] : NON_ASCII;
        }
        return classes;
    }
}
