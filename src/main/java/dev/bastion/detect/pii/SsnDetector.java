package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.List;
import java.util.Set;

/**
 * US Social Security numbers written {@code AAA-GG-SSSS} (dashes or single spaces, the same separator
 * twice), and nine bare digits only when "SSN" or "social security" precedes them. Numbers the SSA never
 * issues are refused: area 000, 666 or 900–999, group 00, serial 0000, and the well-known specimen
 * numbers (078-05-1120, 219-09-9999). Dates (2-2-4 or 4-2-2 digits), phone numbers (3-3-4) and longer
 * digit runs do not have the 3-2-4 shape and are not matched; nor is a 3-2-4 group right after a
 * phone number's country or area code ({@code +49 123 45 6789}) unless SSN context words precede it.
 * Where a phone number is also found over the same digits, the SSN wins (see {@link dev.bastion.detect.Scanner}).
 */
public final class SsnDetector implements Detector {
    public static final String TYPE = "US_SSN";

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    /** Nine digits, bare or grouped by dashes or spaces. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.figureDigits() >= 9;
    }

    @Override
    public void scan(String s, List<Finding> out) {
        int n = s.length();
        for (int i = Chars.nextDigit(s, 0); i >= 0 && i + 9 <= n; i = Chars.nextDigit(s, i + 1)) {
            if (i > 0 && (Chars.digit(s.charAt(i - 1)) || s.charAt(i - 1) == '-' || Chars.letter(s.charAt(i - 1)))) continue;
            // AAA-GG-SSSS / AAA GG SSSS
            if (i + 11 <= n && digits(s, i, 3) && sep(s.charAt(i + 3)) && s.charAt(i + 6) == s.charAt(i + 3)
                    && digits(s, i + 4, 2) && digits(s, i + 7, 4) && !continues(s, i + 11)
                    && valid(s, i, i + 4, i + 7) && !(afterPhonePrefix(s, i) && !context(s, i))) {
                out.add(new Finding(TYPE, Finding.Category.PII, i, i + 11));
                i += 10;
            } else if (digits(s, i, 9) && !continues(s, i + 9) && context(s, i)
                    && valid(s, i, i + 3, i + 5)) {
                out.add(new Finding(TYPE, Finding.Category.PII, i, i + 9));
                i += 8;
            }
        }
    }

    /** Words that say an SSN follows. */
    private static boolean context(String s, int i) {
        return Chars.contextBefore(s, i, 24, "ssn", "social security", "soc. sec");
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

    private static boolean sep(char c) {
        return c == '-' || c == ' ';
    }

    private static boolean digits(String s, int from, int count) {
        if (from + count > s.length()) return false;
        for (int k = from; k < from + count; k++) if (!Chars.digit(s.charAt(k))) return false;
        return true;
    }

    /** A digit, letter or a further separated group right after: part of something longer. */
    private static boolean continues(String s, int end) {
        if (end >= s.length()) return false;
        char c = s.charAt(end);
        return Chars.alnum(c) || (c == '-' && end + 1 < s.length() && Chars.digit(s.charAt(end + 1)));
    }

    private static boolean valid(String s, int a, int g, int sr) {
        int area = Integer.parseInt(s, a, a + 3, 10);
        int group = Integer.parseInt(s, g, g + 2, 10);
        int serial = Integer.parseInt(s, sr, sr + 4, 10);
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
        return !(area == 78 && group == 5 && serial == 1120) && !(area == 219 && group == 9 && serial == 9999);
    }
}
