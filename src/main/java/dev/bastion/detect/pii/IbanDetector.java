package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * International bank account numbers: a country code, two check digits and the country's BBAN, written
 * together or in groups of four separated by single spaces; the total length must be the one the
 * country registered with SWIFT and the ISO 13616 mod-97 check must give 1 (a typo or a random string
 * fails it 96 times in 97). Upper-case letters only, as IBANs are printed. Not caught: countries missing
 * from the registry table, national account numbers without the IBAN prefix.
 */
public final class IbanDetector implements Detector {
    public static final String TYPE = "IBAN";

    /**
     * IBAN length per country: the SWIFT IBAN registry, with its recent additions (BI, DJ, FK, HN, LY, MN,
     * NI, OM, RU, SD, SO, YE). Territories (Åland, Guernsey, French overseas departments, …) use their
     * parent's code; IBAN-like numbers of countries outside the registry are not matched.
     */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BI", 27),
            Map.entry("BR", 29), Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
            Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
            Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FK", 18),
            Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22), Map.entry("GI", 23),
            Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28), Map.entry("HN", 28), Map.entry("HR", 21),
            Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26),
            Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28),
            Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21),
            Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MN", 20), Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28),
            Map.entry("NL", 18), Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28),
            Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22),
            Map.entry("RU", 33), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SD", 18), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25),
            Map.entry("SV", 28), Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
            Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30));

    /** {@link #LENGTHS} by country code, {@code (c0 - 'A') * 26 + (c1 - 'A')}; 0 where none is registered. */
    private static final int[] LENGTH_BY_CODE = new int[26 * 26];

    static {
        LENGTHS.forEach((country, length) -> LENGTH_BY_CODE[(country.charAt(0) - 'A') * 26 + country.charAt(1) - 'A'] = length);
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public boolean mayFind(TextShape shape) {
        return shape.ibanStart();
    }

    @Override
    public void scan(String s, List<Finding> out) {
        int n = s.length();
        // Every IBAN's check digits are its third and fourth chars: candidates start two chars before a digit.
        for (int d = Chars.nextDigit(s, 2); d >= 0 && d - 2 + 15 <= n; d = Chars.nextDigit(s, d + 1)) {
            int i = d - 2;
            char c0 = s.charAt(i), c1 = s.charAt(i + 1);
            if (!upper(c0) || !upper(c1) || Chars.wordBefore(s, i) || !Chars.digit(s.charAt(i + 3))) continue;
            int len = LENGTH_BY_CODE[(c0 - 'A') * 26 + c1 - 'A'];
            if (len == 0) continue;
            int end = read(s, i, len);
            if (end < 0) continue;
            out.add(new Finding(TYPE, Finding.Category.PII, i, end));
            d = end + 1; // the next candidate starts at the end or later
        }
    }

    /** The end of an IBAN of {@code len} characters starting at {@code i} (compact or grouped by four), or -1. */
    private static int read(String s, int i, int len) {
        StringBuilder iban = new StringBuilder(len);
        int p = i;
        boolean grouped = p + 4 < s.length() && s.charAt(p + 4) == ' ';
        while (iban.length() < len && p < s.length()) {
            char c = s.charAt(p);
            if (upper(c) || Chars.digit(c)) {
                iban.append(c);
                p++;
                if (grouped && iban.length() % 4 == 0 && iban.length() < len) {
                    if (p >= s.length() || s.charAt(p) != ' ') return -1;
                    p++;
                }
            } else {
                return -1;
            }
        }
        if (iban.length() != len || Chars.wordAfter(s, p)) return -1;
        return mod97(iban) == 1 ? p : -1;
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /** ISO 7064 mod 97-10 over the rearranged IBAN (country and check digits moved to the end, letters as 10–35). */
    static int mod97(CharSequence iban) {
        int r = 0;
        for (int k = 0; k < iban.length(); k++) {
            char c = iban.charAt((k + 4) % iban.length());
            int v = Chars.digit(c) ? c - '0' : c - 'A' + 10;
            r = v < 10 ? (r * 10 + v) % 97 : (r * 100 + v) % 97;
        }
        return r;
    }
}
