package dev.bastion.detect.injection;

/** FROZEN REFERENCE: {@code Tokens} as it was before the fast paths, for {@link DetectorEquivalenceTest}. */
final class ReferenceTokens {
    private final String text;
    private final int[] starts; // word i begins at starts[i]
    private final int count;

    private ReferenceTokens(String text, int[] starts, int count) {
        this.text = text;
        this.starts = starts;
        this.count = count;
    }

    static ReferenceTokens of(String folded) {
        int[] starts = new int[8 + folded.length() / 4]; // a word per 4 chars, more than prose has; grows if need be
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < folded.length(); ) {
            char c = folded.charAt(i);
            if (c < 0x80 && isAsciiLetterOrDigit(c)) { // most chars of most prompts
                if (!inWord) starts = add(starts, count++, i);
                inWord = true;
                i++;
                continue;
            }
            int cp = folded.codePointAt(i);
            if (isCjk(cp)) {
                starts = add(starts, count++, i);
                inWord = false;
            } else if (Character.isLetterOrDigit(cp)) {
                if (!inWord) starts = add(starts, count++, i);
                inWord = true;
            } else {
                inWord = false;
                if (cp == ':') starts = add(starts, count++, i);
            }
            i += Character.charCount(cp);
        }
        return new ReferenceTokens(folded, starts, count);
    }
    static ReferenceTokens ofAscii(String text) {
        int[] starts = new int[8 + text.length() / 4]; // as in of
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isAsciiLetterOrDigit(c)) {
                if (!inWord) starts = add(starts, count++, i);
                inWord = true;
            } else {
                if (c >= 0x80) return null;
                inWord = false;
                if (c == ':') starts = add(starts, count++, i);
            }
        }
        return new ReferenceTokens(text.toLowerCase(java.util.Locale.ROOT), starts, count);
    }
    /** The same split as production {@link Tokens}, which the phrase tables read. */
    Tokens asTokens() {
        return new Tokens(text, starts, count);
    }

    long key(int i) {
        int start = starts[i];
        long key = 0;
        // An ASCII word (most are) is packed as it is read; anything else goes the general way.
        for (int p = start, stop = Math.min(text.length(), start + PhrasePattern.KEY_LENGTH); p < stop; p++) {
            char c = text.charAt(p);
            if (c >= 0x80) return PhrasePattern.keyOf(text, start, end(i, PhrasePattern.KEY_LENGTH));
            if (!isAsciiLetterOrDigit(c)) return p == start ? c : key; // a ':' is a word of its own
            key = key << 16 | c;
        }
        return key;
    }

    private int end(int i, int limit) {
        int start = starts[i];
        int cp = text.codePointAt(start);
        if (cp == ':' || isCjk(cp)) return start + Character.charCount(cp);
        int stop = (int) Math.min(text.length(), (long) start + limit);
        int p = start;
        while (p < stop) {
            char c = text.charAt(p);
            if (c < 0x80) {
                if (!isAsciiLetterOrDigit(c)) break;
                p++;
            } else {
                cp = text.codePointAt(p);
                if (isCjk(cp) || !Character.isLetterOrDigit(cp)) break;
                p += Character.charCount(cp);
            }
        }
        return Math.min(p, stop);
    }

    String text() {
        return text;
    }


    private static int[] add(int[] starts, int word, int start) {
        if (word == starts.length) starts = java.util.Arrays.copyOf(starts, 2 * starts.length);
        starts[word] = start;
        return starts;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    static boolean isCjk(int cp) {
        return (cp >= 0x3040 && cp <= 0x30FF) // hiragana, katakana
                || (cp >= 0x31F0 && cp <= 0x31FF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x20000 && cp <= 0x3FFFF);
    }
}
