package dev.bastion.detect.pii;

/** Character tests shared by the hand-written scanners (ASCII only: entities are ASCII-shaped). */
final class Chars {
    private Chars() {}

    static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The index of the first ASCII digit at or after {@code from}, or -1: the tight loop the digit-led detectors skip prose with. */
    static int nextDigit(String s, int from) {
        for (int i = Math.max(0, from), n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') return i;
        }
        return -1;
    }

    static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean alnum(char c) {
        return digit(c) || letter(c);
    }

    /** A letter or digit of any script: what must not touch an entity for it to stand alone. */
    static boolean wordChar(char c) {
        return c < 128 ? alnum(c) || c == '_' : Character.isLetterOrDigit(c);
    }

    static boolean wordBefore(String s, int i) {
        return i > 0 && wordChar(s.charAt(i - 1));
    }

    static boolean wordAfter(String s, int end) {
        return end < s.length() && wordChar(s.charAt(end));
    }

    /** Whether the number at {@code i} is introduced as an order, invoice, ticket, tracking, account, reference or id number. */
    static boolean otherNumberBefore(String s, int i) {
        return contextBefore(s, i, 16, "order", "invoice", "ticket", "tracking", "account", "ref ", "ref:", "ref.", "id ", "id:", "id#");
    }

    /** Whether the number at {@code i} is introduced as a version. */
    static boolean versionBefore(String s, int i) {
        return contextBefore(s, i, 12, "version", "release", "build", "ver.");
    }

    /** Whether one of {@code words} (lower case) starts a word within {@code window} chars before {@code i}. */
    static boolean contextBefore(String s, int i, int window, String... words) {
        String before = s.substring(Math.max(0, i - window), i).toLowerCase(java.util.Locale.ROOT);
        for (String w : words) {
            for (int at = before.indexOf(w); at >= 0; at = before.indexOf(w, at + 1)) {
                if (at == 0 || !Character.isLetter(before.charAt(at - 1))) return true;
            }
        }
        return false;
    }
}
