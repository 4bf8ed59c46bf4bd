package dev.bastion.waf;

import java.util.Locale;
import java.util.Set;

/**
 * A {@code charset} parameter (of a Content-Type, an Accept, a multipart part's type) naming anything but
 * the charsets web clients actually send. UTF-7, UTF-16, EBCDIC (IBM037) and the like decode to
 * {@code <script>} from bytes no rule recognises, so a request declaring one is refused rather than
 * inspected as if it were UTF-8. Every parameter counts: {@code charset=utf-8;charset=ibm037} is refused.
 */
final class CharsetDetector {
    static final Set<String> ALLOWED = Set.of("utf-8", "us-ascii", "iso-8859-1", "iso-8859-15", "windows-1252");

    private CharsetDetector() {}

    static boolean matches(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        for (int at = v.indexOf("charset"); at >= 0; at = v.indexOf("charset", at + 7)) {
            int i = at + 7;
            while (i < v.length() && v.charAt(i) == ' ') i++;
            if (i >= v.length() || v.charAt(i) != '=') continue; // "charset" as a word, not a parameter
            i++;
            while (i < v.length() && v.charAt(i) == ' ') i++;
            char quote = i < v.length() && (v.charAt(i) == '"' || v.charAt(i) == '\'') ? v.charAt(i) : 0;
            if (quote != 0) i++;
            int end = i;
            while (end < v.length() && v.charAt(end) != quote && ";, \t".indexOf(v.charAt(end)) < 0) end++;
            if (!ALLOWED.contains(v.substring(i, end))) return true;
        }
        return false;
    }
}
