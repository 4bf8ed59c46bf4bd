package dev.bastion.detect;

/**
 * A few counts about a text, taken in one pass before the detectors run, so that the {@link Scanner}
 * skips those whose entities cannot be in it ({@link Detector#mayFind}): most prompts hold no long run
 * of digits, no dotted quad, no 40-char base64 string — one pass instead of a pass per detector. Each
 * count is a necessary condition for some entity, never a judgement about the text.
 *
 * @param figureDigits the most digits in one run of digits and {@code space - ( ) . + /} (how phone
 *                     numbers, SSNs and card numbers are written)
 * @param numberDots   the most dots in one run of digits and dots (a dotted IPv4 address has three)
 * @param hexColons    the most colons in one run of hex digits, colons and dots (an IPv6 address has two or more)
 * @param ibanStart    whether two upper-case letters are followed by two digits somewhere (an IBAN's country
 *                     code and check digits)
 * @param base64Run    the longest run of standard base64 chars, {@code A-Z a-z 0-9 + /}
 * @param urlSafeRun   the longest run of base64url chars, {@code A-Z a-z 0-9 _ -} (what vendor tokens are made of)
 */
public record TextShape(int figureDigits, int numberDots, int hexColons, boolean ibanStart, int base64Run, int urlSafeRun) {
    private static final int DIGIT = 1, FIGURE = 2, NUMBER = 4, HEX_RUN = 8, BASE64 = 16, UPPER = 32, URL_SAFE = 64;
    /** Each ASCII char's classes, so a char costs one lookup. */
    private static final byte[] CLASSES = new byte[128];

    static {
        for (char c = '0'; c <= '9'; c++) CLASSES[c] = DIGIT | FIGURE | NUMBER | HEX_RUN | BASE64 | URL_SAFE;
        for (char c = 'A'; c <= 'Z'; c++) CLASSES[c] = (byte) (UPPER | BASE64 | URL_SAFE | (c <= 'F' ? HEX_RUN : 0));
        for (char c = 'a'; c <= 'z'; c++) CLASSES[c] = (byte) (BASE64 | URL_SAFE | (c <= 'f' ? HEX_RUN : 0));
        for (char c : " -()+/".toCharArray()) CLASSES[c] |= FIGURE;
        CLASSES['-'] |= URL_SAFE;
        CLASSES['_'] |= URL_SAFE;
        CLASSES['.'] = FIGURE | NUMBER | HEX_RUN;
        CLASSES[':'] = HEX_RUN;
        CLASSES['+'] |= BASE64;
        CLASSES['/'] |= BASE64;
    }

    public static TextShape of(String text) {
        return census(text, false);
    }

    /**
     * The shape of a text that {@link FoldedText} would leave as it is, or null when folding would change it: the
     * Scanner's one pass for most texts, where {@code FoldedText.of} and {@link #of} were two.
     */
    static TextShape ofUnfolded(String text) {
        return census(text, true);
    }

    private static TextShape census(String text, boolean unfoldedOnly) {
        int figureDigits = 0, numberDots = 0, hexColons = 0, base64Run = 0, urlSafeRun = 0;
        int figure = 0, number = 0, hex = 0, base64 = 0, urlSafe = 0; // the same counts for the runs going on
        int recent = 0; // UPPER and DIGIT of the last four chars, 8 bits each, the latest lowest
        boolean ibanStart = false;
        int n = text.length();
        for (int i = 0; i < n; ) {
            char c = text.charAt(i);
            if (c == ' ') { // between words: ends every run but a figure's (phone numbers have spaces)
                base64 = urlSafe = number = hex = recent = 0;
                i++;
                continue;
            }
            if (c >= 'a' && c <= 'z') {
                // Most chars are lower-case letters: a word lengthens both base64 runs, keeps a hex run only if
                // all its letters are a to f, and ends the others.
                int start = i;
                boolean beyondHex = false;
                do {
                    beyondHex |= c > 'f';
                    c = ++i < n ? text.charAt(i) : 0;
                } while (c >= 'a' && c <= 'z');
                base64 += i - start;
                urlSafe += i - start;
                base64Run = Math.max(base64Run, base64);
                urlSafeRun = Math.max(urlSafeRun, urlSafe);
                figure = number = recent = 0;
                if (beyondHex) hex = 0;
                continue;
            }
            if (unfoldedOnly && FoldedText.foldsAt(text, i)) return null; // spaces and lower-case letters above never fold
            int k = c < 128 ? CLASSES[c] : 0;
            boolean digit = (k & DIGIT) != 0;
            figure = (k & FIGURE) == 0 ? 0 : figure + (digit ? 1 : 0);
            number = (k & NUMBER) == 0 ? 0 : number + (c == '.' ? 1 : 0);
            hex = (k & HEX_RUN) == 0 ? 0 : hex + (c == ':' ? 1 : 0);
            base64 = (k & BASE64) == 0 ? 0 : base64 + 1;
            urlSafe = (k & URL_SAFE) == 0 ? 0 : urlSafe + 1;
            figureDigits = Math.max(figureDigits, figure);
            numberDots = Math.max(numberDots, number);
            hexColons = Math.max(hexColons, hex);
            base64Run = Math.max(base64Run, base64);
            urlSafeRun = Math.max(urlSafeRun, urlSafe);
            recent = recent << 8 | (k & (UPPER | DIGIT));
            ibanStart |= recent == (UPPER << 24 | UPPER << 16 | DIGIT << 8 | DIGIT);
            i++;
        }
        return new TextShape(figureDigits, numberDots, hexColons, ibanStart, base64Run, urlSafeRun);
    }
}
