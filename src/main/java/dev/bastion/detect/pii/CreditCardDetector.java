package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Payment card numbers: 13–19 digits, written together or in groups separated by single spaces or
 * dashes (one kind of separator per number), that pass the Luhn check <em>and</em> fall in an issuer's
 * range with that issuer's length — Visa, Mastercard (51–55, 2221–2720), American Express, Discover,
 * Diners Club, JCB, UnionPay, Maestro. A random 16-digit number fails Luhn nine times in ten, and most
 * of the rest fail the issuer ranges; order numbers and timestamps therefore rarely match. Not caught:
 * numbers split by other characters (dots, slashes) or across lines.
 */
public final class CreditCardDetector implements Detector {
    public static final String TYPE = "CREDIT_CARD";
    private static final int MIN_DIGITS = 13;

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    /** A run of digit groups: group i spans [starts[i], ends[i]); seps[i] is the separator before group i. */
    private record Run(List<int[]> groups, List<Character> seps) {}

    /** Thirteen digits or more, grouped by spaces or dashes if at all. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.figureDigits() >= MIN_DIGITS;
    }

    @Override
    public void scan(String s, List<Finding> out) {
        int i = 0;
        while ((i = Chars.nextDigit(s, i)) >= 0) {
            if (Chars.wordBefore(s, i)) {
                i++;
                continue;
            }
            int next = runEnd(s, i);
            // A run with fewer digits than the shortest card holds none: its groups are not even collected.
            if (!Chars.wordAfter(s, next) && digits(s, i, next) >= MIN_DIGITS) findCards(s, readRun(s, i, next), out);
            i = Math.max(next, i + 1);
        }
    }

    /** The end of the run of digit groups starting at {@code p}: at most 64 groups joined by single spaces or dashes. */
    private static int runEnd(String s, int p) {
        for (int groups = 1; ; groups++) {
            int q = p;
            while (q < s.length() && Chars.digit(s.charAt(q))) q++;
            if (q + 1 < s.length() && (s.charAt(q) == ' ' || s.charAt(q) == '-') && Chars.digit(s.charAt(q + 1)) && groups < 64) p = q + 1;
            else return q;
        }
    }

    private static int digits(String s, int from, int to) {
        int digits = 0;
        for (int k = from; k < to; k++) if (Chars.digit(s.charAt(k))) digits++;
        return digits;
    }

    /** The groups of the run {@code s[from, to)} that {@link #runEnd} found: its digit runs, and the separator before each. */
    private static Run readRun(String s, int from, int to) {
        List<int[]> groups = new ArrayList<>();
        List<Character> seps = new ArrayList<>();
        seps.add('\0');
        int p = from;
        while (true) {
            int q = p;
            while (q < to && Chars.digit(s.charAt(q))) q++;
            groups.add(new int[] {p, q});
            if (q >= to) return new Run(groups, seps);
            seps.add(s.charAt(q));
            p = q + 1;
        }
    }

    /** Leftmost-longest windows of whole groups that are valid card numbers. */
    private static void findCards(String s, Run run, List<Finding> out) {
        List<int[]> g = run.groups();
        int a = 0;
        while (a < g.size()) {
            int found = -1;
            int digits = 0;
            for (int b = a; b < g.size(); b++) {
                digits += g.get(b)[1] - g.get(b)[0];
                if (digits > 19) break;
                if (b > a + 1 && !run.seps().get(b).equals(run.seps().get(a + 1))) break; // one kind of separator
                if (digits >= MIN_DIGITS && valid(s, g.subList(a, b + 1))) found = b;
            }
            if (found >= 0) {
                out.add(new Finding(TYPE, Finding.Category.PII, g.get(a)[0], g.get(found)[1]));
                a = found + 1;
            } else {
                a++;
            }
        }
    }

    private static boolean valid(String s, List<int[]> groups) {
        StringBuilder d = new StringBuilder(19);
        for (int[] r : groups) d.append(s, r[0], r[1]);
        return luhn(d) && issuer(d);
    }

    static boolean luhn(CharSequence d) {
        int sum = 0;
        boolean dbl = false;
        for (int k = d.length() - 1; k >= 0; k--) {
            int v = d.charAt(k) - '0';
            if (dbl) {
                v *= 2;
                if (v > 9) v -= 9;
            }
            sum += v;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    /** Issuer ranges and lengths (IIN tables as published by the networks). */
    static boolean issuer(CharSequence d) {
        int len = d.length();
        int p1 = d.charAt(0) - '0';
        int p2 = Integer.parseInt(d, 0, 2, 10);
        int p3 = Integer.parseInt(d, 0, 3, 10);
        int p4 = Integer.parseInt(d, 0, 4, 10);
        int p6 = Integer.parseInt(d, 0, 6, 10);
        if (p1 == 4) return len == 13 || len == 16 || len == 19;                                   // Visa
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return len == 16;               // Mastercard
        if (p2 == 34 || p2 == 37) return len == 15;                                               // American Express
        if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) return len >= 16 && len <= 19; // Discover
        if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return len >= 14 && len <= 19; // Diners Club
        if (p4 >= 3528 && p4 <= 3589) return len >= 16 && len <= 19;                              // JCB
        if (p2 == 62) return len >= 16 && len <= 19;                                              // UnionPay
        if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return len >= 12 && len <= 19;                   // Maestro
        return false;
    }
}
