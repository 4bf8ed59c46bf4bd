package dev.bastion.waf;

/**
 * Log4Shell (CVE-2021-44228) and its obfuscations in any value (W1, the Java injection family): a Log4j
 * lookup that names JNDI or the context map ({@code ${jndi:…}}, {@code ${ctx:…}}), or a lookup nested
 * inside another within a few characters ({@code ${${lower:j}ndi:…}}, {@code ${${::-j}${::-n}…}},
 * {@code ${${env:X:-j}ndi…}}) — nesting is how every known evasion spells {@code jndi}, and ordinary text
 * does not nest lookups. The value is decoded first, as Log4j's callers would see it: URL encoding (also
 * double), JavaScript/JSON escapes, HTML entities ({@code &dollar;}, {@code &lbrace;}, {@code &#36;}),
 * case — repeated while it still changes, a bounded number of times. The same logic as CRS rule 944150,
 * by hand in one pass instead of a regular expression.
 */
public final class Log4ShellDetector {
    /** How far after a {@code ${} another may start and still count as nested (CRS uses 15). */
    static final int NESTING_WINDOW = 15;
    private static final Transform[] DECODE = {Transform.URL_DECODE_UNI, Transform.JS_DECODE, Transform.HTML_ENTITY_DECODE, Transform.LOWERCASE};

    /** Only a '$' or an escape of one ({@code %24}, {@code \u0024}, {@code &dollar;}) can start a lookup. */
    static final java.util.List<String> NEEDS = java.util.List.of("$", "%", "\\", "&");

    private Log4ShellDetector() {}

    public static boolean matches(String value) {
        if (value == null || value.isEmpty() || !mayHoldADollar(value)) return false;
        String s = value;
        for (int round = 0; round < 4; round++) {
            if (lookup(s.toLowerCase(java.util.Locale.ROOT))) return true;
            String next = Transform.all(s, DECODE);
            if (next.equals(s)) return false;
            s = next;
        }
        return lookup(s);
    }

    /** Only a '$' or an escape (%24, \u0024, &dollar;) can start a lookup: most values hold none, and cost one scan. */
    private static boolean mayHoldADollar(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '$' || c == '%' || c == '\\' || c == '&') return true;
        }
        return false;
    }

    /** A {@code ${} followed by {@code jndi} / {@code ctx}, or by another {@code ${} before a {@code }} and within the window. */
    private static boolean lookup(String s) {
        int n = s.length();
        for (int i = s.indexOf("${"); i >= 0; i = s.indexOf("${", i + 1)) {
            int j = i + 2;
            while (j < n && Character.isWhitespace(s.charAt(j))) j++;
            if (s.startsWith("jndi", j) || s.startsWith("ctx", j)) return true;
            for (int k = i + 2; k < n && k <= i + 2 + NESTING_WINDOW && s.charAt(k) != '}'; k++) {
                if (s.charAt(k) == '$' && k + 1 < n && s.charAt(k + 1) == '{') return true;
            }
        }
        return false;
    }
}
