package dev.bastion.detect.injection;

/**
 * Characters that render as nothing. Removes them all, so "ig&#8203;nore" reads as "ignore" to the
 * phrase signals, and reports:
 * <ul>
 *   <li>Unicode tag characters (U+E0000–U+E007F), which mirror ASCII invisibly and are the usual way to
 *       hide a whole instruction; they are decoded to {@link Scan#hiddenText()} for the phrase signals.
 *       Emoji subdivision flags (🏴 + up to 7 tags + cancel tag) are their one legitimate use and do not
 *       count.</li>
 *   <li>Zero-width characters (U+200B, U+2060–U+2064, U+FEFF after the first char) and bidi controls
 *       (U+202A–U+202E, U+2066–U+2069, deprecated U+206A–U+206F). ZWNJ, ZWJ, LRM and RLM
 *       (U+200C–U+200F) only count inside Latin words, because Persian, Indic scripts, Hebrew and emoji
 *       sequences need them.</li>
 * </ul>
 * Soft hyphens, variation selectors and fillers are removed silently: common in pasted text.
 */
final class InvisibleCharacters {
    /** Hidden text is only for phrase matching; more than this adds nothing but work. */
    static final int MAX_HIDDEN_CHARS = 64 * 1024;
    private static final int MAX_FLAG_TAGS = 7;

    record Scan(String visible, int suspicious, int strayTags, String hiddenText) {}

    private InvisibleCharacters() {}

    static Scan scan(String text) {
        StringBuilder visible = new StringBuilder(text.length());
        StringBuilder hidden = new StringBuilder();
        StringBuilder flagTags = new StringBuilder(); // tags after 🏴, kept until the cancel tag proves them a flag
        int suspicious = 0;
        int strayTags = 0;
        boolean afterFlag = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp >= 0xE0000 && cp <= 0xE007F) {
                if (afterFlag && cp == 0xE007F && flagTags.length() <= MAX_FLAG_TAGS) {
                    flagTags.setLength(0); // a well-formed subdivision flag
                    afterFlag = false;
                } else if (afterFlag && flagTags.length() < MAX_FLAG_TAGS && cp >= 0xE0020 && cp <= 0xE007E) {
                    flagTags.append((char) (cp - 0xE0000));
                } else {
                    afterFlag = false;
                    strayTags += flagTags.length() + 1;
                    hide(hidden, flagTags);
                    if (cp >= 0xE0020 && cp <= 0xE007E) hide(hidden, (char) (cp - 0xE0000));
                }
            } else if (isInvisible(cp)) {
                if (countsAsSuspicious(text, i, next, cp)) suspicious++;
            } else {
                if (!flagTags.isEmpty()) { // a flag that never closed: its tags were not a flag
                    strayTags += flagTags.length();
                    hide(hidden, flagTags);
                }
                if (!hidden.isEmpty() && hidden.charAt(hidden.length() - 1) != ' ') hidden.append(' '); // one run per message
                afterFlag = cp == 0x1F3F4;
                visible.appendCodePoint(cp);
            }
            i = next;
        }
        if (!flagTags.isEmpty()) {
            strayTags += flagTags.length();
            hide(hidden, flagTags);
        }
        return new Scan(visible.toString(), suspicious, strayTags, hidden.toString().trim());
    }

    private static void hide(StringBuilder hidden, CharSequence decoded) {
        if (hidden.length() + decoded.length() <= MAX_HIDDEN_CHARS) hidden.append(decoded);
        if (decoded instanceof StringBuilder b) b.setLength(0);
    }

    private static void hide(StringBuilder hidden, char decoded) {
        if (hidden.length() < MAX_HIDDEN_CHARS) hidden.append(decoded);
    }

    private static boolean isInvisible(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064)
                || (cp >= 0x2066 && cp <= 0x206F) || cp == 0x3164 || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFE00 && cp <= 0xFE0F)
                || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    private static boolean countsAsSuspicious(String text, int at, int next, int cp) {
        if (cp == 0x200B || cp == 0x180E || (cp >= 0x2060 && cp <= 0x2064)) return true;
        if (cp == 0xFEFF) return at > 0; // a leading byte-order mark is just an encoding artefact
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x206F)) return true;
        if (cp >= 0x200C && cp <= 0x200F) return at > 0 && next < text.length()
                && isAsciiAlphanumeric(text.charAt(at - 1)) && isAsciiAlphanumeric(text.charAt(next));
        return false;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
