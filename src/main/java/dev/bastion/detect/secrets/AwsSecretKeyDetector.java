package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.List;
import java.util.Set;

/**
 * AWS secret access keys: 40 chars of {@code [A-Za-z0-9/+]}, mixing upper and lower case, reported only where
 * the context says what they are: starting within {@value #KEYWORD_WINDOW} chars after a name such as
 * {@code aws_secret_access_key}, {@code SecretAccessKey} or "secret access key" (any case), or later on the
 * same line as an access key id (the CSV AWS hands out, {@code AKIA…,secret}).
 *
 * <p>Deliberately not caught: a 40-char string with no such context (git SHAs, hashes and base64 blobs have
 * the same shape), and 40 hex digits even in context (a key with no upper or no lower case letter is
 * vanishingly rare; a SHA is not).
 */
public final class AwsSecretKeyDetector implements Detector {
    static final int KEYWORD_WINDOW = 60;
    static final int ACCESS_KEY_WINDOW = 120;
    private static final int KEY_LENGTH = 40;
    private static final List<String> KEYWORDS = List.of(
            "secret_access_key", "secretaccesskey", "secret-access-key", "secret access key", "aws_secret_key", "aws-secret-key");

    @Override
    public Set<String> types() {
        return Set.of("AWS_SECRET_KEY");
    }

    /** Whatever the context, the key itself is a run of 40 base64 chars. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.base64Run() >= KEY_LENGTH;
    }

    @Override
    public void scan(String text, List<Finding> out) {
        int reportedUpTo = 0; // the keyword and the key id may both point at one key
        for (int i = 0; i < text.length(); i++) {
            int from;
            int to;
            int keyword = keywordEnd(text, i);
            int keyId = keyword < 0 && text.charAt(i) == 'A' ? TokenFormats.awsAccessKeyIdAt(text, i) : -1; // every key id starts with A
            if (keyword > 0) {
                from = keyword;
                to = Math.min(text.length(), keyword + KEYWORD_WINDOW);
            } else if (keyId > 0) {
                from = keyId;
                to = lineEnd(text, keyId, ACCESS_KEY_WINDOW);
            } else {
                continue;
            }
            int start = keyStartIn(text, Math.max(from, reportedUpTo), to);
            if (start >= 0) {
                out.add(new Finding("AWS_SECRET_KEY", Finding.Category.SECRET, start, start + KEY_LENGTH));
                reportedUpTo = start + KEY_LENGTH;
            }
        }
    }

    private static int keywordEnd(String text, int i) {
        char c = text.charAt(i);
        if (c != 's' && c != 'S' && c != 'a' && c != 'A') return -1;
        // Every keyword's second letter is e or w: most words starting with s or a end the check here.
        char c2 = i + 1 < text.length() ? (char) (text.charAt(i + 1) | 0x20) : 0;
        if (c2 != 'e' && c2 != 'w') return -1;
        for (String k : KEYWORDS) {
            if (text.regionMatches(true, i, k, 0, k.length())) return i + k.length();
        }
        return -1;
    }

    /** The end of the line, but at most {@code max} chars on, so a one-line megabyte costs no more than a short line. */
    private static int lineEnd(String text, int from, int max) {
        int limit = Math.min(text.length(), from + max);
        int i = from;
        while (i < limit && text.charAt(i) != '\n' && text.charAt(i) != '\r') i++;
        return i;
    }

    /** The start of the first standalone 40-char mixed-case base64 run starting in {@code [from, to)}, or -1. */
    private static int keyStartIn(String text, int from, int to) {
        int i = from;
        while (i < to) {
            if (!Chars.isBase64(text.charAt(i)) || Chars.in(text, i - 1, Chars::isBase64)) {
                i++;
                continue;
            }
            int end = Chars.runEnd(text, i, Chars::isBase64, KEY_LENGTH);
            if (end - i == KEY_LENGTH && !Chars.in(text, end, c -> c == '=') && mixedCase(text, i, end)) return i;
            i = Math.max(end, i + 1);
        }
        return -1;
    }

    private static boolean mixedCase(String text, int from, int to) {
        boolean upper = false, lower = false;
        for (int i = from; i < to; i++) {
            upper |= Chars.isUpper(text.charAt(i));
            lower |= Chars.isLower(text.charAt(i));
        }
        return upper && lower;
    }
}
