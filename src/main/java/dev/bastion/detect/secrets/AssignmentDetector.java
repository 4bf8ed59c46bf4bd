package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secrets by the name they are given: {@code password=…}, {@code DB_PASSWD: …}, {@code api_key = "…"},
 * {@code "client_secret": "…"}, {@code --password=…}, {@code apiToken := "…"}, {@code 'secret' => '…'}, in
 * config files, env files, JSON, code and shell lines. A key name qualifies when, lower-cased and without
 * {@code _ - .}, it ends with one of {@link #NAME_ENDINGS}; the separator is {@code = : := =>}. Only the
 * value is reported, and only when it looks like a real secret: 8–256 chars, no whitespace, Shannon entropy of
 * at least {@link #minimumEntropy(int)} bits per char, and not a placeholder or a reference ({@link Placeholders}).
 * A name ending in {@code authorization} holds a scheme and a credential ({@code Authorization: Bearer …}): the
 * credential is the value ({@link #authorizationCredential}).
 *
 * <p>Deliberately not caught: comparisons ({@code password == "…"}), values with spaces (prose, not
 * credentials), unquoted values that are bare identifiers or calls ({@code password=self.password},
 * {@code api_key=getKey()}), low-entropy values ({@code password=aaaaaaaa1}), XML elements, URLs with
 * embedded credentials ({@link UrlCredentialDetector}'s), and names that only start with a secret word ({@code API_KEY_PROD}).
 */
public final class AssignmentDetector implements Detector {
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 256;
    private static final int MAX_BLANKS = 16;
    private static final int NAME_TAIL = 40;
    /** The farthest a separator can be from the end of its name: an escaped quote, then {@value #MAX_BLANKS} blanks. */
    private static final int SEPARATOR_REACH = 2 + MAX_BLANKS;
    static final List<String> NAME_ENDINGS = List.of(
            "password", "passwd", "passphrase", "pwd", "secret", "secretkey", "secretaccesskey", "apikey", "apitoken",
            "accesstoken", "refreshtoken", "authtoken", "bearertoken", "sessiontoken", "privatekey", "signingkey", "encryptionkey");
    /** Shell and OS variables that end like a secret name but hold a directory. */
    private static final Set<String> NOT_SECRET_NAMES = Set.of("pwd", "oldpwd");

    @Override
    public Set<String> types() {
        return Set.of("GENERIC_SECRET");
    }

    @Override
    public void scan(String text, List<Finding> out) {
        int i = 0;
        int colon = -1, equals = -1; // the next ':' and '=' at or after i, once looked up; MAX_VALUE: none left
        while (i < text.length()) {
            if (colon < i) colon = next(text, ':', i);
            if (equals < i) equals = next(text, '=', i);
            int separator = Math.min(colon, equals);
            if (separator == Integer.MAX_VALUE) return; // every assignment has one
            // Prose has few separators: names ending too far before the next one cannot reach it, so the scan
            // jumps to the start of the first name that might (never into the middle of a name).
            int reachable = separator - SEPARATOR_REACH - 1;
            if (reachable > i) {
                while (reachable > i && isNameChar(text.charAt(reachable - 1))) reachable--;
                i = reachable;
            }
            if (!isNameChar(text.charAt(i))) {
                i++;
                continue;
            }
            int nameEnd = Chars.runEnd(text, i, AssignmentDetector::isNameChar, Integer.MAX_VALUE - 1);
            int next = nameEnd;
            // The assignment shape first: it rules out most words of prose in a few char checks.
            Value v = valueAfter(text, nameEnd);
            // "https://x-access-token:…@host": a URL's user info, whose password UrlCredentialDetector reports up to the '@'
            if (v != null && endsWith(text, i, nameEnd, "authorization")) {
                int[] credential = authorizationCredential(text, v.start);
                if (credential != null) {
                    out.add(new Finding("GENERIC_SECRET", Finding.Category.SECRET, credential[0], credential[1]));
                    next = Math.max(next, credential[1]);
                }
            } else if (v != null && !(i >= 3 && text.startsWith("://", i - 3)) && namesASecret(text, i, nameEnd)) {
                if (v.end > v.start && looksLikeSecret(text, v)) {
                    out.add(new Finding("GENERIC_SECRET", Finding.Category.SECRET, v.start, v.end));
                }
                next = Math.max(next, v.resume); // a value is read once, never rescanned as names
            }
            i = next;
        }
    }

    private static int next(String text, char separator, int from) {
        int at = text.indexOf(separator, from);
        return at < 0 ? Integer.MAX_VALUE : at;
    }

    private static boolean isNameChar(char c) {
        return Chars.isWord(c) || c == '-' || c == '.';
    }

    /** Looks at the last {@value #NAME_TAIL} chars of the name only, so a megabyte-long "name" costs nothing extra. */
    static boolean namesASecret(String text, int from, int to) {
        String name = nameTail(text, from, to);
        if (NOT_SECRET_NAMES.contains(name)) return false;
        for (String ending : NAME_ENDINGS) {
            if (name.endsWith(ending)) return true;
        }
        return false;
    }

    /** The name's last {@value #NAME_TAIL} chars in lower case, without {@code _ - .}. */
    private static String nameTail(String text, int from, int to) {
        StringBuilder tail = new StringBuilder(NAME_TAIL);
        for (int i = Math.max(from, to - NAME_TAIL); i < to; i++) {
            char c = text.charAt(i);
            if (c != '_' && c != '-' && c != '.') tail.append(Character.toLowerCase(c));
        }
        return tail.toString();
    }

    private static boolean endsWith(String text, int from, int to, String ending) {
        return to - from >= ending.length() && nameTail(text, from, to).endsWith(ending);
    }

    /**
     * The credential of an {@code Authorization} (or {@code Proxy-Authorization}, {@code HTTP_AUTHORIZATION}) value —
     * {@code Bearer <token>}, {@code Basic <base64>}, {@code Token <key>} — as pasted curl commands, request dumps and
     * code carry it: {@code [start, end)}, or null when it is no credential. A Basic credential is decoded and judged as
     * the user name and password it holds ({@code user:password} is a placeholder); others as any assigned secret.
     */
    static int[] authorizationCredential(String text, int from) {
        int scheme = Chars.runEnd(text, from, Chars::isLetter, 16);
        if (scheme == from || scheme - from > 16 || !Chars.in(text, scheme, c -> c == ' ' || c == '\t')) return null;
        int start = skipBlanks(text, scheme);
        int end = Chars.runEnd(text, start, AssignmentDetector::isToken68, MAX_LENGTH);
        while (Chars.in(text, end, c -> c == '=')) end++;
        if (end - start > MAX_LENGTH || Chars.in(text, end, Chars::isWord)) return null;
        while (end > start && text.charAt(end - 1) == '.') end--; // the sentence's full stop, not the token's
        Value credential = new Value(start, end, true, end);
        if (text.regionMatches(true, from, "basic", 0, 5) && scheme - from == 5) {
            String decoded = basicUserAndPassword(text.substring(start, end));
            if (decoded != null) {
                int colon = decoded.indexOf(':');
                return UrlCredentialDetector.isCredential(decoded.substring(0, colon), decoded.substring(colon + 1)) ? new int[] {start, end} : null;
            }
        }
        return looksLikeSecret(text, credential) ? new int[] {start, end} : null;
    }

    /** RFC 7235's token68: what a credential after the scheme is made of. */
    private static boolean isToken68(char c) {
        return Chars.isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    /** {@code user:password} from a Basic credential, or null when it does not decode to one. */
    private static String basicUserAndPassword(String b64) {
        try {
            String s = new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8);
            return s.indexOf(':') >= 0 && s.indexOf('\uFFFD') < 0 ? s : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * @param start  first char of the value
     * @param end    end of the value (exclusive)
     * @param quoted whether it was in quotes, where letters-only values are plausible
     * @param resume where scanning for names goes on
     */
    private record Value(int start, int end, boolean quoted, int resume) {}

    /** Parses {@code ["] <blanks> (= | : | := | =>) <blanks> ["'`]value["'`]} after a name; null when it is no assignment. */
    private static Value valueAfter(String text, int nameEnd) {
        int p = nameEnd;
        if (Chars.in(text, p, c -> c == '\\') && Chars.in(text, p + 1, AssignmentDetector::isQuote)) p++; // JSON inside a JSON string
        if (Chars.in(text, p, AssignmentDetector::isQuote)) p++;
        p = skipBlanks(text, p);
        if (text.startsWith(":=", p) || text.startsWith("=>", p)) {
            p += 2;
        } else if (Chars.in(text, p, c -> c == ':') || (Chars.in(text, p, c -> c == '=') && !Chars.in(text, p + 1, c -> c == '='))) {
            p += 1;
        } else {
            return null;
        }
        p = skipBlanks(text, p);
        boolean escapedQuote = Chars.in(text, p, c -> c == '\\') && Chars.in(text, p + 1, AssignmentDetector::isQuote);
        if (escapedQuote) p++;
        if (Chars.in(text, p, AssignmentDetector::isQuote)) return quotedValue(text, p + 1, text.charAt(p), escapedQuote);
        return unquotedValue(text, p);
    }

    private static Value quotedValue(String text, int start, char quote, boolean escapedQuote) {
        int limit = Math.min(text.length(), start + MAX_LENGTH + 2);
        for (int i = start; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') return new Value(start, start, true, i);
            if (escapedQuote && c == '\\' && Chars.in(text, i + 1, q -> q == quote)) return new Value(start, i, true, i + 2);
            if (!escapedQuote && c == quote) return new Value(start, i, true, i + 1);
            if (c == '\\') i++; // an escaped char belongs to the value
        }
        return new Value(start, start, true, limit); // unterminated or too long: not a value we trust
    }

    private static Value unquotedValue(String text, int start) {
        int limit = Math.min(text.length(), start + MAX_LENGTH + 1);
        int i = start;
        while (i < limit && !endsUnquotedValue(text.charAt(i))) i++;
        if (i - start > MAX_LENGTH) return new Value(start, start, false, i);
        // A call ("getPassword()") is code, not a secret.
        if (Chars.in(text, i, c -> c == '(')) return new Value(start, start, false, i);
        return new Value(start, i, false, i);
    }

    private static boolean endsUnquotedValue(char c) {
        return Character.isWhitespace(c) || isQuote(c) || c == '\\' || c == ',' || c == ';' || c == '&' || c == '('
                || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '<' || c == '>';
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '`';
    }

    private static int skipBlanks(String text, int p) {
        int limit = Math.min(text.length(), p + MAX_BLANKS);
        while (p < limit && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) p++;
        return p;
    }

    private static boolean looksLikeSecret(String text, Value v) {
        int length = v.end - v.start;
        if (length < MIN_LENGTH || length > MAX_LENGTH) return false;
        String value = text.substring(v.start, v.end);
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i))) return false;
        }
        if (!v.quoted && isIdentifierOrPath(value)) return false;
        if (Placeholders.isPlaceholder(value)) return false;
        return shannonEntropy(value) >= minimumEntropy(length);
    }

    /** {@code self.password}, {@code config.apiKey}: code, not a secret (quoted, letters-only values still count). */
    private static boolean isIdentifierOrPath(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!Chars.isUpper(c) && !Chars.isLower(c) && c != '_' && c != '.') return false;
        }
        return true;
    }

    /**
     * 3.0 bits per char, relaxed for short values, whose entropy cannot exceed log2(length): an 8-char value
     * needs 2.55 bits, so {@code hunter22} counts and {@code aaaabbbb} or {@code dGVzdA==} do not.
     */
    static double minimumEntropy(int length) {
        return Math.min(3.0, 0.85 * Math.log(length) / Math.log(2));
    }

    static double shannonEntropy(String s) {
        Map<Character, Integer> counts = new HashMap<>();
        for (int i = 0; i < s.length(); i++) counts.merge(s.charAt(i), 1, Integer::sum);
        double bits = 0;
        for (int count : counts.values()) {
            double p = (double) count / s.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }
}
