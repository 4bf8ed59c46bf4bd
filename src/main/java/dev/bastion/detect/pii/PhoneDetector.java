package dev.bastion.detect.pii;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.List;
import java.util.Set;

/**
 * Phone numbers, found and validated by libphonenumber (Google's metadata for every region): numbers in
 * international form ({@code +44 20 7946 0958}) anywhere, and national forms ({@code (415) 555-2671},
 * {@code 020 7946 0958}) for the configured region hints. Only numbers valid for a real numbering plan
 * count ({@code Leniency.VALID}), so most digit runs are not phones; numbers introduced as order,
 * invoice, ticket, tracking or account numbers, or after {@code #}, are skipped. Not caught: vanity
 * numbers with letters, numbers valid only in regions not hinted, numbers inside a run of digits and
 * phone punctuation longer than {@value #MAX_WINDOW} characters (a table of figures), and date-shaped
 * runs ({@code 2024-01-15 10}, {@code 12/25/2024}).
 */
public final class PhoneDetector implements Detector {
    public static final String TYPE = "PHONE";
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    /** The longest run of digits and phone punctuation still looked at as a possible number. */
    static final int MAX_WINDOW = 40;

    private final List<String> regions;
    private final boolean nanpHinted; // a North American region is among the hints

    /** @param regions ISO 3166 region codes for national formats, most likely first (e.g. [US, GB]) */
    public PhoneDetector(List<String> regions) {
        for (String r : regions) {
            if (!UTIL.getSupportedRegions().contains(r)) throw new IllegalArgumentException("unknown phone region '" + r + "'");
        }
        this.regions = regions.isEmpty() ? List.of("US") : List.copyOf(regions);
        this.nanpHinted = this.regions.stream().anyMatch(r -> UTIL.getCountryCodeForRegion(r) == 1);
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    /**
     * Loose: the numbering plans hinted together accept most runs of 9 to 11 digits (German numbers have
     * variable length), so a number that is also an SSN, a card, an IBAN or an IP address is that.
     */
    @Override
    public int specificity() {
        return LOOSE;
    }

    /** A number lies in a run of phone chars with seven digits or more. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.figureDigits() >= 7;
    }

    @Override
    public void scan(String s, List<Finding> out) {
        // libphonenumber's matcher costs microseconds per character of digit-dense text, so it only sees
        // short windows that could hold a number: runs of digits and phone punctuation with 7 or more
        // digits and at most MAX_WINDOW long (a longer run is a table of figures, not a phone number).
        // A run without a digit holds no number, so the scan goes from digit to digit, each time out to the
        // ends of the run around it (the previous run ended before, so nothing is read twice).
        int n = s.length();
        int i = 0;
        while ((i = Chars.nextDigit(s, i)) >= 0) {
            int start = i;
            while (start > 0 && phoneChar(s.charAt(start - 1))) start--;
            int end = start, digits = 0;
            while (end < n && phoneChar(s.charAt(end))) {
                if (Chars.digit(s.charAt(end))) digits++;
                end++;
            }
            if (digits >= 7 && end - start <= MAX_WINDOW) match(s, Math.max(0, start - 1), Math.min(n, end + 1), out);
            i = end;
        }
    }

    /**
     * One candidate run {@code s[from, to)} (with one char of context each side). A run that can hold one
     * number is parsed and validated directly — a fraction of the cost of libphonenumber's matcher; a
     * longer run (two numbers side by side) goes to the matcher, which splits it.
     */
    private void match(String s, int from, int to, List<Finding> out) {
        int start = from, end = to;
        while (start < end && !(Chars.digit(s.charAt(start)) || s.charAt(start) == '+' || s.charAt(start) == '(')) start++;
        while (end > start && !(Chars.digit(s.charAt(end - 1)) || s.charAt(end - 1) == ')')) end--;
        if (start >= end) return;
        int digits = 0;
        for (int k = start; k < end; k++) if (Chars.digit(s.charAt(k))) digits++;
        if (digits <= 15) {
            if (standsAlone(s, start, end) && !dateLike(s, start, end) && valid(s.substring(start, end))) out.add(new Finding(TYPE, Finding.Category.PII, start, end));
            return;
        }
        String window = s.substring(from, to);
        java.util.BitSet taken = new java.util.BitSet();
        for (String region : regions) {
            for (PhoneNumberMatch m : UTIL.findNumbers(window, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
                int a = from + m.start(), b = from + m.end();
                if (taken.get(m.start()) || !standsAlone(s, a, b)) continue;
                taken.set(m.start(), m.end());
                out.add(new Finding(TYPE, Finding.Category.PII, a, b));
            }
        }
    }

    private boolean valid(String candidate) {
        boolean international = candidate.charAt(0) == '+';
        String digits = candidate.replaceAll("[^0-9]", "");
        Boolean nanp = nanp(international, digits);
        if (nanp != null) return nanp;
        for (String region : regions) {
            // A national number must carry its trunk prefix where the region's plan writes one (0 in most of
            // the world; NANPA's 1 is optional) — as libphonenumber's VALID leniency requires too.
            if (!international && UTIL.getCountryCodeForRegion(region) != 1) {
                String ndd = UTIL.getNddPrefixForRegion(region, true);
                if (ndd != null && !ndd.isEmpty() && !digits.startsWith(ndd)) continue;
            }
            try {
                if (UTIL.isValidNumber(UTIL.parse(candidate, region))) return true;
            } catch (com.google.i18n.phonenumbers.NumberParseException e) {
                // not a number for this region; try the next
            }
            if (international) return false; // the region does not matter for +CC numbers
        }
        return false;
    }

    /**
     * North American numbers (+1, or 10 digits with a NANP region hinted) validated without
     * libphonenumber's parser: the plan has one trunk prefix ({@code 1}), no leading zeros and no
     * parsing transforms, so the number is its ten digits, and parsing — three quarters of the cost of a
     * phone number — adds nothing. Null when the number is not of that shape (the parser decides).
     */
    private Boolean nanp(boolean international, String digits) {
        String nsn;
        if (international) {
            nsn = digits.length() == 11 && digits.charAt(0) == '1' ? digits.substring(1) : null;
        } else if (nanpHinted) {
            nsn = digits.length() == 10 ? digits : digits.length() == 11 && digits.charAt(0) == '1' ? digits.substring(1) : null;
        } else {
            nsn = null;
        }
        if (nsn == null) return null;
        if (UTIL.isValidNumber(new Phonenumber.PhoneNumber().setCountryCode(1).setNationalNumber(Long.parseLong(nsn)))) return true;
        // Not valid as North American: with other regions hinted, the same digits may still be theirs.
        return international || regions.size() == 1 ? false : null;
    }

    /** Not glued to a word, not after {@code #}, not introduced as some other kind of number. */
    private static boolean standsAlone(String s, int start, int end) {
        if (Chars.wordBefore(s, start) || Chars.wordAfter(s, end) || (start > 0 && s.charAt(start - 1) == '#')) return false;
        return !Chars.otherNumberBefore(s, start);
    }

    /** Dates written with digits: {@code 2024-01-15 10}, {@code 12/25/2024}, {@code 15.01.2024}. */
    private static boolean dateLike(String s, int start, int end) {
        int[] groups = new int[8];
        int n = 0, len = 0;
        boolean slashOrDot = false;
        for (int k = start; k <= end; k++) {
            char c = k < end ? s.charAt(k) : ' ';
            if (Chars.digit(c)) {
                len++;
                continue;
            }
            if (len > 0 && n < groups.length) groups[n++] = len;
            len = 0;
            slashOrDot |= c == '/' || c == '.';
        }
        if (n >= 3 && groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2) return true;                   // 2024-01-15
        return n >= 3 && slashOrDot && groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 2 || groups[2] == 4); // 12/25/2024
    }

    /** Digits and what phone numbers are written with. */
    private static boolean phoneChar(char c) {
        return Chars.digit(c) || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '+' || c == '/';
    }
}
