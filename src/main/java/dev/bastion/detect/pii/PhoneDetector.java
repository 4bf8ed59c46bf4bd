package dev.bastion.detect.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.List;
import java.util.Set;

/**
 * Phone numbers, found and validated by libphonenumber (Google's metadata for every region): numbers in
 * international form ({@code +44 20 7946 0958}) anywhere, and national forms ({@code (415) 555-2671},
 * {@code 020 7946 0958}) for the configured region hints. Only numbers valid for a real numbering plan
 * count ({@code Leniency.VALID}), so most digit runs are not phones; numbers introduced as order,
 * invoice, ticket, tracking or account numbers, or after {@code #}, are skipped. Not caught: vanity
 * numbers with letters, numbers valid only in regions not hinted, and numbers inside a run of digits
 * and phone punctuation longer than {@value #MAX_WINDOW} characters (a table of figures).
 */
public final class PhoneDetector implements Detector {
    public static final String TYPE = "PHONE";
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /** The longest run of digits and phone punctuation still looked at as a possible number. */
    static final int MAX_WINDOW = 40;

    private final List<String> regions;

    /** @param regions ISO 3166 region codes for national formats, most likely first (e.g. [US, GB]) */
    public PhoneDetector(List<String> regions) {
        for (String r : regions) {
            if (!UTIL.getSupportedRegions().contains(r)) throw new IllegalArgumentException("unknown phone region '" + r + "'");
        }
        this.regions = regions.isEmpty() ? List.of("US") : List.copyOf(regions);
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public void scan(String s, List<Finding> out) {
        // libphonenumber's matcher costs microseconds per character of digit-dense text, so it only sees
        // short windows that could hold a number: runs of digits and phone punctuation with 7 or more
        // digits and at most MAX_WINDOW long (a longer run is a table of figures, not a phone number).
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!phoneChar(s.charAt(i))) {
                i++;
                continue;
            }
            int end = i, digits = 0;
            while (end < n && phoneChar(s.charAt(end))) {
                if (Chars.digit(s.charAt(end))) digits++;
                end++;
            }
            if (digits >= 7 && end - i <= MAX_WINDOW) match(s, Math.max(0, i - 1), Math.min(n, end + 1), out);
            i = end;
        }
    }

    private void match(String s, int from, int to, List<Finding> out) {
        String window = s.substring(from, to);
        java.util.BitSet taken = new java.util.BitSet();
        for (String region : regions) {
            for (PhoneNumberMatch m : UTIL.findNumbers(window, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
                int start = from + m.start(), end = from + m.end();
                if (taken.get(m.start()) || (start > 0 && s.charAt(start - 1) == '#')) continue;
                if (Chars.contextBefore(s, start, 16, "order", "invoice", "ticket", "tracking", "account", "ref ", "ref:", "ref.", "id ", "id:", "id#")) continue;
                taken.set(m.start(), m.end());
                out.add(new Finding(TYPE, Finding.Category.PII, start, end));
            }
        }
    }

    /** Digits and what phone numbers are written with. */
    private static boolean phoneChar(char c) {
        return Chars.digit(c) || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '+' || c == '/';
    }
}
