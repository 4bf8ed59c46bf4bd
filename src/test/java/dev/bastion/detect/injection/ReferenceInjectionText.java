package dev.bastion.detect.injection;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** FROZEN REFERENCE: {@code InjectionText.of} as it was before the fast paths (2026-12-07), for {@link DetectorEquivalenceTest}. Do not optimise. */
final class ReferenceInjectionText {
    static final int MIN_SPACED_LETTERS = 4;
    static final int MIN_URL_ENCODED = 4;


    static InjectionText of(String raw) {
        if (raw == null || raw.isEmpty()) return new InjectionText("", "", List.of(), "", false);
        String visible = raw;
        String hidden = "";
        if (!isAscii(raw)) {
            InvisibleCharacters.Scan scan = InvisibleCharacters.scan(raw);
            visible = scan.visible();
            hidden = scan.hiddenText().isEmpty() ? "" : normalise(scan.hiddenText());
        }
        List<String> decoded = new ArrayList<>(0);
        for (String d : ReferenceEncodedPayloads.decodedTexts(visible)) decoded.add(normalise(d));
        String url = urlDecoded(visible);
        String folded = fold(visible);
        String text = unmask(folded);
        return new InjectionText(text, hidden, decoded, url == null ? "" : normalise(url), text != folded);
    }
    static String normalise(String visible) {
        return unmask(fold(visible));
    }
    static String unmask(String folded) {
        char[] cs = folded.toCharArray();
        boolean leet = undoLeet(cs);
        int length = joinSpacedLetters(cs);
        return leet || length < cs.length ? new String(cs, 0, length) : folded;
    }

    private static String fold(String visible) {
        return isAscii(visible) ? visible.toLowerCase(Locale.ROOT) : unicodeFold(visible);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
    private static String unicodeFold(String s) {
        String lower = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        String decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        int wordStart = 0;
        boolean latin = false, lookAlike = false;
        int lastBase = 0;
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.NON_SPACING_MARK) {
                if (lastBase < 0x250 || (lastBase >= 0x1E00 && lastBase <= 0x1EFF)) continue; // an accent on a Latin letter
                out.appendCodePoint(cp);
                continue;
            }
            if (!Character.isLetterOrDigit(cp)) {
                if (latin && lookAlike) foldLookAlikes(out, wordStart);
                latin = lookAlike = false;
                out.appendCodePoint(cp);
                wordStart = out.length();
                lastBase = cp;
                continue;
            }
            if (cp < 0x250 && Character.isLetter(cp)) latin = true;
            else if (Confusables.latinFor(cp) != 0) lookAlike = true;
            out.appendCodePoint(cp);
            lastBase = cp;
        }
        if (latin && lookAlike) foldLookAlikes(out, wordStart);
        return Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    private static void foldLookAlikes(StringBuilder out, int from) {
        for (int i = from; i < out.length(); i++) {
            char latin = Confusables.latinFor(out.charAt(i));
            if (latin != 0) out.setCharAt(i, latin);
        }
    }
    private static boolean undoLeet(char[] s) {
        boolean changed = false;
        int i = 0, n = s.length;
        while (i < n) {
            if (!isWordChar(s[i])) {
                i++;
                continue;
            }
            int start = i;
            boolean leetChar = false; // most words have none: only those are read again
            for (; i < n && isWordChar(s[i]); i++) leetChar |= leetLetter(s[i]) != 0;
            if (leetChar && isLeet(s, start, i)) {
                changed = true;
                for (int k = start; k < i; k++) {
                    char c = leetLetter(s[k]);
                    if (c != 0) s[k] = c;
                }
            }
        }
        return changed;
    }
    private static final byte LETTER = 1, DIGIT = 2, WORD = 4;
    private static final byte[] ASCII = new byte[128];
    private static final char[] LEET = new char[128]; // the letter a leet character stands for; 0: none

    static {
        for (char c = 'a'; c <= 'z'; c++) ASCII[c] = ASCII[Character.toUpperCase(c)] = LETTER | WORD;
        for (char c = '0'; c <= '9'; c++) ASCII[c] = DIGIT | WORD;
        ASCII['@'] = ASCII['$'] = WORD;
        String leet = "0o1i3e4a@a5s$s7t";
        for (int i = 0; i < leet.length(); i += 2) LEET[leet.charAt(i)] = leet.charAt(i + 1);
    }

    private static boolean isLetter(char c) {
        return c < 128 ? (ASCII[c] & LETTER) != 0 : Character.isLetter(c);
    }

    private static boolean isLetterOrDigit(char c) {
        return c < 128 ? (ASCII[c] & (LETTER | DIGIT)) != 0 : Character.isLetterOrDigit(c);
    }

    private static boolean isWordChar(char c) {
        return c < 128 ? (ASCII[c] & WORD) != 0 : Character.isLetterOrDigit(c);
    }
    private static boolean isLeet(char[] s, int from, int to) {
        int letters = 0, leet = 0;
        boolean beforeLetter = false;
        for (int k = from; k < to; k++) {
            char c = s[k];
            if (isLetter(c)) {
                letters++;
            } else if (leetLetter(c) != 0) {
                leet++;
                beforeLetter |= k + 1 < to && isLetter(s[k + 1]);
            } else if (Character.isDigit(c)) {
                return false;
            }
        }
        return letters >= 2 && (beforeLetter || leet >= 2);
    }

    private static char leetLetter(char c) {
        return c < 128 ? LEET[c] : 0;
    }
    private static int joinSpacedLetters(char[] s) {
        int n = s.length;
        int out = 0; // s[0, out) is the result so far; s[copied, i) is still to be kept as it is
        int copied = 0;
        for (int i = 0; i < n; ) {
            if (!isLetterOrDigit(s[i])) {
                i++;
                continue;
            }
            // i starts a run of letters and digits: only a run of one letter can start a spaced-out word
            if (!isSingleLetterAt(s, i)) {
                do i++; while (i < n && isLetterOrDigit(s[i]));
                continue;
            }
            int end = i + 1, letters = 1;
            while (end + 1 < n && isSeparator(s[end]) && isSingleLetterAt(s, end + 1)) {
                end += 2;
                letters++;
            }
            if (letters >= MIN_SPACED_LETTERS) {
                out = keep(s, copied, i, out);
                for (int k = i; k < end; k += 2) s[out++] = s[k];
                copied = end;
            }
            i = end;
        }
        return copied == 0 ? n : keep(s, copied, n, out);
    }

    private static int keep(char[] s, int from, int to, int out) {
        if (out != from) System.arraycopy(s, from, s, out, to - from);
        return out + to - from;
    }

    private static boolean isSingleLetterAt(char[] s, int i) {
        return isLetter(s[i]) && (i == 0 || !isLetterOrDigit(s[i - 1])) && (i + 1 == s.length || !isLetterOrDigit(s[i + 1]));
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' || c == '/' || c == '|';
    }
    static String urlDecoded(String s) {
        int first = s.indexOf('%');
        if (first < 0) return null;
        StringBuilder out = new StringBuilder(s.length());
        byte[] run = new byte[s.length()]; // escapes and the plain characters between them
        boolean found = false;
        int i = 0;
        while (i < s.length()) {
            int len = 0, j = i;
            while (j + 2 < s.length() && s.charAt(j) == '%' && hex(s.charAt(j + 1)) >= 0 && hex(s.charAt(j + 2)) >= 0) {
                run[len++] = (byte) (hex(s.charAt(j + 1)) << 4 | hex(s.charAt(j + 2)));
                j += 3;
                // plain characters between escapes belong to the run ("ignore%20all%20previous")
                while (j < s.length() && s.charAt(j) != '%' && s.charAt(j) > ' ' && s.charAt(j) < 0x80 && len < run.length) {
                    run[len++] = (byte) s.charAt(j++);
                }
            }
            if (j > i) {
                int escapes = countEscapes(s, i, j);
                String text = escapes >= MIN_URL_ENCODED ? ReferenceEncodedPayloads.readableText(Arrays.copyOf(run, len)) : null;
                if (text != null) {
                    out.append(text);
                    found = true;
                } else {
                    out.append(s, i, j);
                }
                i = j;
            } else {
                out.append(s.charAt(i++));
            }
        }
        return found ? out.toString() : null;
    }

    private static int countEscapes(String s, int from, int to) {
        int n = 0;
        for (int k = from; k < to; k++) if (s.charAt(k) == '%') n++;
        return n;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
