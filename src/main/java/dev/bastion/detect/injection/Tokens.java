package dev.bastion.detect.injection;

/**
 * Splits folded text into words for phrase matching: runs of letters and digits, with punctuation and
 * spaces dropped (so "ignore, ALL... previous" reads as three words) except {@code :}, which some
 * patterns need ("new instructions:"). Chinese and Japanese have no spaces, so each Han or kana
 * character is a word of its own and gaps in their patterns count characters.
 *
 * <p>Words are their start offsets into the folded text, not copies: a prompt is read without making a
 * String per word, and a word's end is found again when it is compared (words are short, and no
 * comparison reads further than the pattern word it compares with).
 */
final class Tokens {
    private final String text;
    private final int[] starts; // word i begins at starts[i]
    private final int count;
    private final long[] keys; // word i's key: each word's is read by every pattern that looks at it, so packed once

    Tokens(String text, int[] starts, int count) { // package-private for the frozen reference in the tests
        this.text = text;
        this.starts = starts;
        this.count = count;
        keys = new long[count];
        for (int i = 0; i < count; i++) keys[i] = keyOf(i);
    }

    private Tokens(String text, int[] starts, int count, long[] keys) {
        this.text = text;
        this.starts = starts;
        this.count = count;
        this.keys = keys;
    }

    static Tokens of(String folded) {
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
        return new Tokens(folded, starts, count);
    }

    /**
     * The words of a text that is all ASCII, over its lower case (the whole of folding for ASCII); null when a
     * char is not ASCII. Checking and splitting are one pass.
     */
    static Tokens ofAscii(String text) {
        return ofAscii(text, null);
    }

    /** {@link #ofAscii(String)} given the text's lower case when the caller has it already ({@code null}: made here). */
    static Tokens ofAscii(String text, String lowerCase) {
        int[] starts = new int[8 + text.length() / 4]; // as in of
        long[] keys = new long[starts.length]; // packed here from the chars read anyway, lower-cased as they go in
        int count = 0, packed = 0; // packed: chars of the word going on in its key so far
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean wordChar = isAsciiLetterOrDigit(c);
            if (!wordChar && c >= 0x80) return null;
            if (wordChar ? !inWord : c == ':') { // a word starts; a ':' is a word of its own
                if (count == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, 2 * count);
                    keys = java.util.Arrays.copyOf(keys, 2 * count);
                }
                starts[count] = i;
                keys[count++] = wordChar ? 0 : ':';
                packed = 0;
            }
            if (wordChar && packed < PhrasePattern.KEY_LENGTH) {
                keys[count - 1] = keys[count - 1] << 16 | (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
                packed++;
            }
            inWord = wordChar;
        }
        return new Tokens(lowerCase != null ? lowerCase : text.toLowerCase(java.util.Locale.ROOT), starts, count, keys);
    }

    /** The text the words are spans of. */
    String text() {
        return text;
    }

    /** The same words over the rot13 of the text (rot13 turns letters into letters, so the words stay). */
    Tokens rot13() {
        return new Tokens(EncodedPayloads.rot13(text), starts, count);
    }

    int count() {
        return count;
    }

    /** Whether word {@code i} is {@code word}. */
    boolean is(int i, String word) {
        return text.startsWith(word, starts[i]) && end(i, word.length() + 1) == starts[i] + word.length();
    }

    /** Whether word {@code i} starts with {@code prefix}. */
    boolean startsWith(int i, String prefix) {
        return text.startsWith(prefix, starts[i]) && end(i, prefix.length()) >= starts[i] + prefix.length();
    }

    /** Word {@code i}'s {@link PhrasePattern#keyOf key}. */
    long key(int i) {
        return keys[i];
    }

    private long keyOf(int i) {
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

    /** Word {@code i} as a String (for compiling patterns; scanning compares in place). */
    String word(int i) {
        return text.substring(starts[i], end(i, text.length()));
    }

    /**
     * Where word {@code i} ends, reading at most {@code limit} chars of it: its end, or {@code start + limit}
     * when it goes on past that. A {@code :} and a Han or kana character are words of their own.
     */
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
