package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The password in a URL's user info — {@code postgres://app:S3cr3t-41@db:5432/prod}, {@code redis://:pw81x@cache:6379},
 * {@code amqp://svc:…@mq/}, {@code https://ci:<token>@git.example.com/repo.git}: what pasted configs, connection
 * strings and stack traces carry most. Only the password is reported, so a redacted URL still says where it pointed.
 * The user info is read as a URL parser reads the authority: it runs to the last {@code @} before the path, and the
 * password from the first {@code :} in it.
 *
 * <p>Deliberately not caught: a user name alone ({@code ssh://git@host}), placeholders ({@code user:password@},
 * {@code :pass@}, {@code ${DB_PASSWORD}}, {@code <password>}, and documentation's all-letter phrases such as
 * {@code mysecretpassword}), a password equal to the user name (a product's default, {@code guest:guest@}) and up to
 * five digits (a {@code host:port} before an {@code @}, as SSRF payloads write it).
 */
public final class UrlCredentialDetector implements Detector {
    static final String TYPE = "URL_CREDENTIAL";
    /** The longest authority read: user info, host and port. */
    private static final int MAX_AUTHORITY = 512;
    private static final int MAX_SCHEME = 32;
    /** Stand-ins documentation writes in a URL's password position, beyond {@link Placeholders}'. */
    private static final Set<String> STAND_INS = Set.of("pass", "pw", "pwd", "passwd", "pword", "mypass", "mypassword", "token",
            "key", "apikey", "xxx", "pass123", "userpass", "pa55word", "p4ssword", "p@ssword", "p@ssw0rd");
    private static final List<String> PHRASE_WORDS = List.of("password", "passwd", "secret", "pass");

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public void scan(String text, List<Finding> out) {
        for (int p = text.indexOf("://"); p >= 0; p = text.indexOf("://", p + 3)) {
            if (!schemeEndsAt(text, p)) continue;
            int from = p + 3;
            int end = authorityEnd(text, from);
            int at = lastIndexOf(text, '@', from, end);
            if (at < 0 || at + 1 >= text.length() || !startsHost(text.charAt(at + 1))) continue;
            int colon = text.indexOf(':', from);
            if (colon < 0 || colon >= at) continue; // a user name alone (at < end: the search stays in the authority)
            String user = text.substring(from, colon);
            if (user.indexOf('?') >= 0 || user.indexOf('#') >= 0) continue; // a query or fragment, not user info
            if (isCredential(user, text.substring(colon + 1, at))) {
                out.add(new Finding(TYPE, Finding.Category.SECRET, colon + 1, at));
            }
        }
    }

    /** A scheme of letters, digits, {@code + - .} starting with a letter ends at {@code p}, not glued to a longer word. */
    private static boolean schemeEndsAt(String t, int p) {
        int i = p;
        while (i > 0 && p - i < MAX_SCHEME) {
            char c = t.charAt(i - 1);
            if (!(Chars.isAlnum(c) || c == '+' || c == '-' || c == '.')) break;
            i--;
        }
        return i < p && Chars.isLetter(t.charAt(i)) && !(i > 0 && (Chars.isWord(t.charAt(i - 1)) || t.charAt(i - 1) == '-'));
    }

    /**
     * Where the authority ends: the path, or a char no URL in text holds unencoded. Read more loosely than a parser
     * would: passwords are pasted with a raw {@code #} or {@code ?} in them, which a strict reading would take for the
     * fragment or query and so miss the password (a user name holding one is refused instead).
     */
    private static int authorityEnd(String t, int from) {
        int limit = Math.min(t.length(), from + MAX_AUTHORITY);
        for (int i = from; i < limit; i++) {
            char c = t.charAt(i);
            if (c == '/' || c == '\\' || c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\u007f') return i;
        }
        return limit;
    }

    private static int lastIndexOf(String t, char c, int from, int to) {
        for (int i = to - 1; i >= from; i--) if (t.charAt(i) == c) return i;
        return -1;
    }

    private static boolean startsHost(char c) {
        return Chars.isAlnum(c) || c == '[' || c > 0x7f;
    }

    static boolean isCredential(String user, String password) {
        if (password.isEmpty() || password.length() > 256 || password.equals(user)) return false;
        if (password.length() <= 5 && Chars.all(password, Chars::isDigit)) return false;
        String lower = password.toLowerCase(Locale.ROOT);
        if (STAND_INS.contains(lower) || Placeholders.isPlaceholder(password)) return false;
        return !isPhrase(lower);
    }

    /** Letters only, and a word of the kind docs put in example passwords: {@code mysecretpassword}, {@code supersecret}. */
    private static boolean isPhrase(String lower) {
        if (!Chars.all(lower, Chars::isLower)) return false;
        for (String w : PHRASE_WORDS) if (lower.contains(w)) return true;
        return false;
    }
}
