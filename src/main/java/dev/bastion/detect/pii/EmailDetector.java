package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.List;
import java.util.Set;

/**
 * E-mail addresses: {@code local@domain.tld} with an RFC 5321-shaped local part (letters, digits and
 * {@code . _ % + -}, at most 64, no leading, trailing or doubled dot) and a domain of at least two labels
 * ending in an alphabetic TLD. Internationalised addresses (RFC 6531) too: letters, digits and combining
 * marks of any script in the local part and the labels ({@code jürgen@bücher.de}, {@code 用户@例子.广告}),
 * and punycode labels and TLDs ({@code xn--p1ai}). In text without spaces (Chinese, Japanese) the local
 * part cannot be told from the words before it, so the span may take those in (up to 64 chars): more is
 * hidden, never less. Not caught, deliberately: quoted local parts and IP-literal domains
 * ({@code user@[10.0.0.1]}) — rare in prompts, and matching them would also match code such as
 * decorators ({@code @Override}) or package coordinates — nor domains written with ideographic full
 * stops ({@code 。}), which also end sentences. Linear: the scan expands around each {@code @} by
 * bounded amounts.
 */
public final class EmailDetector implements Detector {
    public static final String TYPE = "EMAIL";
    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public void scan(String s, List<Finding> out) {
        int from = 0;
        for (int at = s.indexOf('@'); at >= 0; at = s.indexOf('@', Math.max(at + 1, from))) {
            int start = at;
            while (start > 0 && at - start < MAX_LOCAL && localChar(s.charAt(start - 1))) start--;
            while (start < at && s.charAt(start) == '.') start++;
            if (start == at || s.charAt(at - 1) == '.' || doubledDot(s, start, at)) continue;
            int end = domainEnd(s, at + 1);
            if (end < 0) continue;
            out.add(new Finding(TYPE, Finding.Category.PII, start, end));
            from = end;
        }
    }

    private static boolean doubledDot(String s, int from, int to) {
        for (int k = from + 1; k < to; k++) if (s.charAt(k) == '.' && s.charAt(k - 1) == '.') return true;
        return false;
    }

    private static boolean localChar(char c) {
        return letterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    /** A letter or digit of any script, or a combining mark. */
    private static boolean letterOrDigit(char c) {
        return c < 128 ? Chars.alnum(c) : Character.isLetterOrDigit(c) || mark(c);
    }

    /** A letter of any script, or a combining mark. */
    private static boolean letter(char c) {
        return c < 128 ? Chars.letter(c) : Character.isLetter(c) || mark(c);
    }

    /** Devanagari, Thai and other scripts write vowels with combining marks: part of the word. */
    private static boolean mark(char c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    /** The end of a valid domain starting at {@code i}, or -1. */
    private static int domainEnd(String s, int i) {
        int labels = 0, end = -1, labelStart = i, p = i;
        while (p < s.length() && p - i <= MAX_DOMAIN) {
            int q = p;
            while (q < s.length() && (letterOrDigit(s.charAt(q)) || s.charAt(q) == '-') && q - p < 63) q++;
            if (q == p || s.charAt(p) == '-' || s.charAt(q - 1) == '-') break;
            labels++;
            labelStart = p;
            if (labels >= 2 && tld(s, labelStart, q)) end = q;
            if (q < s.length() && s.charAt(q) == '.' && q + 1 < s.length() && letterOrDigit(s.charAt(q + 1))) p = q + 1;
            else break;
        }
        return end;
    }

    /** Letters of one or more scripts, or punycode ({@code xn--p1ai}, Russia's {@code рф}). */
    private static boolean tld(String s, int from, int to) {
        if (to - from < 2) return false;
        if (to - from > 4 && s.regionMatches(true, from, "xn--", 0, 4)) return true; // a label: letters, digits and inner dashes
        for (int k = from; k < to; k++) if (!letter(s.charAt(k))) return false;
        return true;
    }
}
