package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.List;
import java.util.Set;

/**
 * US Social Security numbers written {@code AAA-GG-SSSS}, {@code AAA GG SSSS} or {@code AAA.GG.SSSS}
 * (the same separator twice), and nine bare digits only when SSN words precede them ("SSN", "SS#",
 * "social security", "soc sec", or "social" close by; also glued, {@code SSN123456789}). Numbers the
 * SSA never issues are refused: area 000, 666 or 900–999, group 00, serial 0000, and the well-known
 * specimen numbers (078-05-1120, 219-09-9999). Dates (2-2-4 or 4-2-2 digits), phone numbers (3-3-4),
 * IPv4 addresses and longer digit or dotted runs do not have the 3-2-4 shape and are not matched.
 * Without SSN words, neither is a spaced or dotted 3-2-4 group introduced as an order, invoice, ticket or
 * id number, a dotted one introduced as a version, nor one right after a phone number's country or area
 * code ({@code +49 123 45 6789}). The dashed form is the SSA's own and stays an SSN whatever introduces it:
 * "Employee ID 123-45-6789" is how SSNs get pasted, and redacting an order number written exactly like
 * one costs less than sending an SSN on. Where a phone number is also found over the same digits, the SSN wins (see
 * {@link dev.bastion.detect.Scanner}).
 */
public final class SsnDetector implements Detector {
    public static final String TYPE = "US_SSN";

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    /** Nine digits, bare or grouped by dashes, spaces or dots. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.figureDigits() >= 9;
    }

    @Override
    public void scan(String s, List<Finding> out) {
        int n = s.length();
        for (int i = Chars.nextDigit(s, 0); i >= 0 && i + 9 <= n; i = Chars.nextDigit(s, i + 1)) {
            if (joinedBefore(s, i)) continue;
            if (grouped(s, i) && !continues(s, i + 11) && valid(s, i, i + 4, i + 7) && (context(s, i) || standsAlone(s, i))) {
                out.add(new Finding(TYPE, Finding.Category.PII, i, i + 11));
                i += 10;
            } else if (digits(s, i, 9) && !continues(s, i + 9) && context(s, i) && valid(s, i, i + 3, i + 5)) {
                out.add(new Finding(TYPE, Finding.Category.PII, i, i + 9));
                i += 8;
            }
        }
    }

    /** AAA-GG-SSSS, AAA GG SSSS or AAA.GG.SSSS at {@code i}. */
    private static boolean grouped(String s, int i) {
        if (i + 11 > s.length()) return false;
        char sep = s.charAt(i + 3);
        return (sep == '-' || sep == ' ' || sep == '.') && s.charAt(i + 6) == sep && digits(s, i, 3) && digits(s, i + 4, 2) && digits(s, i + 7, 4);
    }

    /** Part of what comes before: a digit, a dash, a dotted number, a word (but "SSN" itself). */
    private static boolean joinedBefore(String s, int i) {
        if (i == 0) return false;
        char c = s.charAt(i - 1);
        if (Chars.digit(c) || c == '-' || (c == '.' && i > 1 && Chars.digit(s.charAt(i - 2)))) return true;
        return Chars.wordChar(c) && !(i >= 3 && s.regionMatches(true, i - 3, "ssn", 0, 3) && !Chars.wordBefore(s, i - 3));
    }

    /**
     * An SSN-shaped group without SSN words: a spaced or dotted one not introduced as another kind of
     * number or a version, and not a phone number's rest.
     */
    private static boolean standsAlone(String s, int i) {
        boolean dashed = s.charAt(i + 3) == '-';
        return !(!dashed && Chars.otherNumberBefore(s, i)) && !(s.charAt(i + 3) == '.' && Chars.versionBefore(s, i)) && !afterPhonePrefix(s, i);
    }

    /**
     * Words that say an SSN follows: within 32 chars ("my social security number is 123…"), or "social"
     * alone within 12 ("my social is 123…"; further away, "social media" and the like are not SSN talk).
     */
    private static boolean context(String s, int i) {
        return Chars.contextBefore(s, i, 32, "ssn", "s.s.n", "ss#", "ss #", "social security", "soc sec", "soc. sec", "soc.sec")
                || Chars.contextBefore(s, i, 12, "social");
    }

    /**
     * Right after an international prefix or an area code ({@code +49 }, {@code (030) }, {@code 030 }):
     * the rest of a phone number, not an SSN (a list of SSNs has no such group between them).
     */
    private static boolean afterPhonePrefix(String s, int i) {
        int p = i - 2;
        if (p < 0 || s.charAt(i - 1) != ' ') return false;
        boolean paren = s.charAt(p) == ')';
        if (paren) p--;
        int last = p;
        while (p >= 0 && last - p < 5 && Chars.digit(s.charAt(p))) p--;
        if (p == last) return false;
        char lead = p >= 0 ? s.charAt(p) : ' ';
        if (paren) return lead == '(';
        return lead == '+' || (last - p >= 2 && s.charAt(p + 1) == '0' && !Chars.wordChar(lead) && lead != '-' && lead != '.');
    }

    private static boolean digits(String s, int from, int count) {
        if (from + count > s.length()) return false;
        for (int k = from; k < from + count; k++) if (!Chars.digit(s.charAt(k))) return false;
        return true;
    }

    /** A letter or digit, or a dash or dot before a further digit, right after: part of something longer. */
    private static boolean continues(String s, int end) {
        if (end >= s.length()) return false;
        char c = s.charAt(end);
        return Chars.wordChar(c) || ((c == '-' || c == '.') && end + 1 < s.length() && Chars.digit(s.charAt(end + 1)));
    }

    private static boolean valid(String s, int a, int g, int sr) {
        int area = Integer.parseInt(s, a, a + 3, 10);
        int group = Integer.parseInt(s, g, g + 2, 10);
        int serial = Integer.parseInt(s, sr, sr + 4, 10);
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }
}
