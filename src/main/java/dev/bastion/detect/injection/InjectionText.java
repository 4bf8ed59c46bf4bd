package dev.bastion.detect.injection;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The text a learned injection detector reads: what a model would understand, with the tricks that hide
 * words from a detector undone. Every learned model scores this view, the same way in training and in the
 * request path, so a trick costs the attacker nothing but the detector nothing either.
 *
 * <ol>
 *   <li>Invisible characters removed (zero-width, bidi, tag characters; {@link InvisibleCharacters}); text
 *       spelled in tag characters is kept as a {@linkplain #hidden() hidden part}.</li>
 *   <li>Unicode NFKC (full-width and mathematical letters become plain ones), lower case.</li>
 *   <li>In words that mix Latin with Cyrillic or Greek look-alikes, the look-alikes become Latin
 *       ({@link Confusables}); a wholly Cyrillic or Greek word is left as it is.</li>
 *   <li>Accents on Latin letters dropped ({@code précédentes} reads as {@code precedentes}), so typos of
 *       accents and their absence look alike; other scripts keep their marks (Devanagari vowel signs are
 *       letters, not accents).</li>
 *   <li>Leetspeak digits inside words undone ({@code 1gn0r3} → {@code ignore}): only in a word that has
 *       letters and a digit that is not merely a suffix ({@code gpt4}, {@code sha256} stay).</li>
 *   <li>Spaced-out words joined: a run of four or more single letters separated by one space or
 *       punctuation mark ({@code i g n o r e}, {@code i.g.n.o.r.e}) becomes one word.</li>
 * </ol>
 *
 * Encoded spans (base64, hex, URL percent-encoding) that decode to readable text are returned as further
 * {@linkplain #parts() parts}, normalised the same way, so a detector scores what the model would read
 * after decoding. Every step is one linear pass; decoding has the fixed budgets of {@link EncodedPayloads}.
 *
 * @param text     the normalised text
 * @param hidden   text spelled in invisible tag characters, normalised; "" when none
 * @param decoded  readable texts decoded from base64 and hex blobs, normalised
 * @param urlDecoded the text with its percent-encoded runs decoded, normalised; "" when it has none
 * @param unmasked whether leetspeak or spaced-out letters were undone: detectors that read words their own
 *                 way (the phrase signals) should read {@code text} as well as the original
 */
public record InjectionText(String text, String hidden, List<String> decoded, String urlDecoded, boolean unmasked) {
    static final int MIN_SPACED_LETTERS = 4;
    static final int MIN_URL_ENCODED = 4;

    public InjectionText {
        decoded = List.copyOf(decoded);
    }

    /** Every part a detector should score: the text, then the hidden, decoded and URL-decoded parts. */
    public List<String> parts() {
        if (hidden.isEmpty() && decoded.isEmpty() && urlDecoded.isEmpty()) return List.of(text);
        List<String> all = new ArrayList<>(3 + decoded.size());
        all.add(text);
        if (!hidden.isEmpty()) all.add(hidden);
        all.addAll(decoded);
        if (!urlDecoded.isEmpty()) all.add(urlDecoded);
        return all;
    }

    public static InjectionText of(String raw) {
        if (raw == null || raw.isEmpty()) return new InjectionText("", "", List.of(), "", false);
        InjectionText ascii = ofAscii(raw);
        if (ascii != null) return ascii;
        String visible = raw, hidden = "";
        if (!Latin1.isPlain(raw)) { // Latin-1 holds no invisible character but the soft hyphen
            InvisibleCharacters.Scan scan = InvisibleCharacters.scan(raw);
            visible = scan.visible();
            hidden = scan.hiddenText().isEmpty() ? "" : normalise(scan.hiddenText());
        }
        List<String> decoded = normalised(EncodedPayloads.decodedTexts(visible));
        String url = urlDecoded(visible);
        String folded = fold(visible);
        String text = unmask(folded);
        return new InjectionText(text, hidden, decoded, url == null ? "" : normalise(url), text != folded);
    }

    /**
     * {@link #of} for plain ASCII (most prompts), or null when a char is not ASCII. One pass lower-cases (all that
     * folding does to ASCII), undoes leetspeak word by word as {@link #undoLeet} would, and notes what the other
     * passes need: a '%' for URL decoding, a base64 run of {@value EncodedPayloads#MIN_RUN} for decoding blobs.
     */
    private static InjectionText ofAscii(String raw) {
        int n = raw.length();
        char[] cs = new char[n];
        boolean percent = false, leet = false, wordLeet = false;
        int run = 0, longestRun = 0; // base64 chars in a row, as EncodedPayloads counts them
        int word = -1; // where the word going on started; -1: between words
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c >= 0x80) return null;
            byte k = ASCII[c];
            cs[i] = (k & UPPER) != 0 ? (char) (c + ('a' - 'A')) : c;
            run = (k & BASE64) != 0 ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
            percent |= c == '%';
            if ((k & WORD) != 0) {
                if (word < 0) {
                    word = i;
                    wordLeet = false;
                }
                wordLeet |= LEET[c] != 0;
            } else if (word >= 0) {
                leet |= wordLeet && undoLeet(cs, word, i); // the word is complete (and lower case) in cs
                word = -1;
            }
        }
        if (word >= 0) leet |= wordLeet && undoLeet(cs, word, n);
        // No run of MIN_RUN base64 chars: EncodedPayloads finds no blob (it skips every shorter run unread).
        List<String> decoded = longestRun < EncodedPayloads.MIN_RUN ? List.of() : normalised(EncodedPayloads.decodedTexts(raw));
        String url = percent ? urlDecoded(raw) : null; // no '%': nothing is percent-encoded
        int length = joinSpacedLetters(cs);
        return new InjectionText(new String(cs, 0, length), "", decoded, url == null ? "" : normalise(url), leet || length < n);
    }

    private static List<String> normalised(List<String> texts) {
        List<String> out = new ArrayList<>(texts.size());
        for (String t : texts) out.add(normalise(t));
        return out;
    }

    /** Steps 2–6 on text whose invisible characters are already gone. */
    static String normalise(String visible) {
        return unmask(fold(visible));
    }

    /** Steps 5 and 6 on folded text, in place on its characters; the same string when neither changed it. */
    static String unmask(String folded) {
        char[] cs = folded.toCharArray();
        boolean leet = undoLeet(cs);
        int length = joinSpacedLetters(cs);
        return leet || length < cs.length ? new String(cs, 0, length) : folded;
    }

    private static String fold(String visible) {
        if (isAscii(visible)) return visible.toLowerCase(Locale.ROOT);
        return Latin1.isLatin1(visible) ? Latin1.map(visible, LATIN1_FOLDED) : unicodeFold(visible);
    }

    /** {@link #unicodeFold} of each Latin-1 char alone: Latin-1 text folds char by char (see {@link Latin1}). */
    private static final String[] LATIN1_FOLDED = Latin1.table(InjectionText::unicodeFold);

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    /** NFKC, lower case, look-alikes in mixed words to Latin, accents off Latin letters. */
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

    /** Digits that stand for letters, inside words that are otherwise letters; whether any was undone. */
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
            if (leetChar) changed |= undoLeet(s, start, i);
        }
        return changed;
    }

    /** The leet characters of the word {@code s[from, to)} undone if it {@linkplain #isLeet is leetspeak}; whether it was. */
    private static boolean undoLeet(char[] s, int from, int to) {
        if (!isLeet(s, from, to)) return false;
        for (int k = from; k < to; k++) {
            char c = leetLetter(s[k]);
            if (c != 0) s[k] = c;
        }
        return true;
    }

    /** ASCII characters by code, so the per-character tests of the passes above are one lookup. */
    private static final byte LETTER = 1, DIGIT = 2, WORD = 4, UPPER = 8, BASE64 = 16;
    private static final byte[] ASCII = new byte[128];
    private static final char[] LEET = new char[128]; // the letter a leet character stands for; 0: none

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ASCII[c] = LETTER | WORD;
            ASCII[Character.toUpperCase(c)] = LETTER | WORD | UPPER;
        }
        for (char c = '0'; c <= '9'; c++) ASCII[c] = DIGIT | WORD;
        ASCII['@'] = ASCII['$'] = WORD;
        for (char c = 0; c < 128; c++) if (EncodedPayloads.isBase64Char(c)) ASCII[c] |= BASE64;
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

    /**
     * At least two letters, no digit that stands for no letter (2, 6, 8, 9: a code, not a word), and either a
     * leet character before a letter or two of them ({@code rul35}) — one trailing digit is a version
     * ({@code gpt4}, {@code mp3}, {@code html5}), not a disguise.
     */
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

    /**
     * "i g n o r e" and "i.g.n.o.r.e" become "ignore"; shorter runs ("a b c") are left alone. In place:
     * only separators are removed, so the text moves left; returns its new length.
     */
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

    /**
     * The text with its percent-encoded runs decoded, when it has a run of at least {@value #MIN_URL_ENCODED}
     * escapes that decodes to readable UTF-8; null otherwise (most texts: one scan for '%').
     */
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
                String text = escapes >= MIN_URL_ENCODED ? EncodedPayloads.readableText(Arrays.copyOf(run, len)) : null;
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
