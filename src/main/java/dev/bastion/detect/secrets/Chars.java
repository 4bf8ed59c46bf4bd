package dev.bastion.detect.secrets;

/**
 * The ASCII character classes the secret detectors share. Anything outside ASCII, surrogate halves of an
 * emoji included, belongs to none of them, so it always acts as a token boundary.
 */
final class Chars {
    private Chars() {}

    /** A set of chars; a tiny interface rather than {@code IntPredicate} so call sites stay readable. */
    @FunctionalInterface
    interface CharClass {
        boolean test(char c);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean isAlnum(char c) {
        return isDigit(c) || isUpper(c) || isLower(c);
    }

    /** Regex {@code \w} over ASCII. */
    static boolean isWord(char c) {
        return isAlnum(c) || c == '_';
    }

    /** The base64url alphabet, which is also what most vendor tokens are drawn from. */
    static boolean isUrlSafe(char c) {
        return isWord(c) || c == '-';
    }

    /** The standard base64 alphabet without padding. */
    static boolean isBase64(char c) {
        return isAlnum(c) || c == '+' || c == '/';
    }

    /** RFC 4648 base32 in upper case: what AWS key ids are made of. */
    static boolean isBase32Upper(char c) {
        return isUpper(c) || (c >= '2' && c <= '7');
    }

    static boolean isLowerOrDigit(char c) {
        return isLower(c) || isDigit(c);
    }

    static boolean isUpperOrDigit(char c) {
        return isUpper(c) || isDigit(c);
    }

    static boolean isLetter(char c) {
        return isUpper(c) || isLower(c);
    }

    static boolean isHex(char c) {
        return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    static boolean isLowerHex(char c) {
        return isDigit(c) || c >= 'a' && c <= 'f';
    }

    /** Whether every char of {@code s} is in {@code cls} (true of the empty string). */
    static boolean all(String s, CharClass cls) {
        for (int i = 0; i < s.length(); i++) {
            if (!cls.test(s.charAt(i))) return false;
        }
        return true;
    }

    /** Whether {@code text[i]} exists and is in {@code cls}; out-of-range indexes are boundaries. */
    static boolean in(String text, int i, CharClass cls) {
        return i >= 0 && i < text.length() && cls.test(text.charAt(i));
    }

    /**
     * The end of the run of {@code cls} chars starting at {@code from}, looking at no more than {@code max + 1}
     * chars: a result more than {@code max} past {@code from} means "too long", and the scan stays bounded.
     */
    static int runEnd(String text, int from, CharClass cls, int max) {
        int limit = (int) Math.min(text.length(), (long) from + max + 1);
        int i = from;
        while (i < limit && cls.test(text.charAt(i))) i++;
        return i;
    }

    /** Whether {@code text[from, to)} holds the literal {@code needle}; never looks past {@code to}. */
    static boolean contains(String text, int from, int to, String needle) {
        for (int i = from; i + needle.length() <= to; i++) {
            if (text.startsWith(needle, i)) return true;
        }
        return false;
    }
}
