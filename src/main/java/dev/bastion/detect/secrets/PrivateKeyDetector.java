package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.util.List;
import java.util.Set;

/**
 * PEM private keys: a {@code -----BEGIN <label>-----} line for PKCS#8 ({@code PRIVATE KEY}, {@code ENCRYPTED
 * PRIVATE KEY}), PKCS#1 / SEC1 / DSA ({@code RSA}, {@code EC}, {@code DSA PRIVATE KEY}) or OpenSSH keys, its
 * base64 body (with OpenSSL's {@code Proc-Type}/{@code DEK-Info} headers, and with newlines escaped as
 * {@code \n} when the key sits in a JSON string, or with spaces when it was pasted on one line), and the
 * matching {@code -----END <label>-----}. The span is the whole block; when the END line is missing or does
 * not match (a truncated paste), it ends with the last base64 line of the body, which then needs at least
 * {@value #MIN_BODY_WITHOUT_END} base64 chars. A blank line or a line of prose ends a body.
 *
 * <p>Deliberately not caught: public keys and certificates (public by design), PGP and PuTTY key formats,
 * and a lone BEGIN line with no body.
 */
public final class PrivateKeyDetector implements Detector {
    static final int MIN_BODY_WITHOUT_END = 16;
    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";
    private static final List<String> LABELS = List.of(
            "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
    private static final List<String> HEADERS = List.of("Proc-Type:", "DEK-Info:");

    @Override
    public Set<String> types() {
        return Set.of("PRIVATE_KEY");
    }

    @Override
    public void scan(String text, List<Finding> out) {
        int from = 0;
        int begin;
        while ((begin = text.indexOf(BEGIN, from)) >= 0) {
            int labelAt = begin + BEGIN.length();
            String label = labelAt(text, labelAt);
            if (label == null) {
                from = labelAt;
                continue;
            }
            int bodyStart = labelAt + label.length() + DASHES.length();
            Body body = body(text, bodyStart);
            String endLine = "-----END " + label + DASHES;
            if (body.base64Chars > 0 && text.startsWith(endLine, body.stop)) {
                out.add(new Finding("PRIVATE_KEY", Finding.Category.SECRET, begin, body.stop + endLine.length()));
                from = body.stop + endLine.length();
            } else {
                if (body.base64Chars >= MIN_BODY_WITHOUT_END) out.add(new Finding("PRIVATE_KEY", Finding.Category.SECRET, begin, body.dataEnd));
                from = Math.max(body.stop, bodyStart); // the body was read once; never read it again
            }
        }
    }

    private static String labelAt(String text, int at) {
        for (String label : LABELS) {
            if (text.startsWith(label, at) && text.startsWith(DASHES, at + label.length())) return label;
        }
        return null;
    }

    /** Where the body stops (the first char that cannot be part of it), where its data ends, and how much data. */
    private record Body(int stop, int dataEnd, int base64Chars) {}

    /**
     * Reads the body line by line. A body line is base64 (and {@code =}) with optional blanks around it; the
     * body ends at the first line that is not one (a blank line after data, prose, the END line). A key pasted
     * with its newlines turned into spaces is read as one line of space-separated chunks.
     */
    private static Body body(String text, int from) {
        int n = text.length();
        int i = from;
        int dataEnd = from;
        int dataChars = 0;
        int lineEnd = -1;              // end of data on the current line; -1 while it has none
        int lineChars = 0;
        boolean blankAllowed = true;   // right after BEGIN or a header line
        boolean onBeginLine = true;
        boolean oneLine = false;       // the data started on the BEGIN line itself
        boolean lineCounts = true;     // whether the current line's data is part of the body where it stops
        while (i < n) {
            char c = text.charAt(i);
            int afterNewline = newlineEnd(text, i);
            if (afterNewline > 0) {
                if (lineEnd < 0 && !blankAllowed) break; // a blank line after data ends the body
                if (lineEnd >= 0) {
                    dataEnd = lineEnd;
                    dataChars += lineChars;
                    lineEnd = -1;
                    lineChars = 0;
                    blankAllowed = false;
                    if (oneLine) break;
                }
                onBeginLine = false;
                i = afterNewline;
            } else if (c == ' ' || c == '\t') {
                int next = i;
                while (next < n && (text.charAt(next) == ' ' || text.charAt(next) == '\t')) next++;
                boolean lineGoesOn = next < n && newlineEnd(text, next) < 0 && text.charAt(next) != '-';
                if (lineEnd >= 0 && !oneLine && lineGoesOn) { // "word word" on a line of its own: prose, not base64
                    lineCounts = false;
                    break;
                }
                i = next;
            } else if (lineEnd < 0 && headerAt(text, i)) { // before the base64 test: "Proc-Type" starts with base64 letters
                while (i < n && text.charAt(i) != '\n' && text.charAt(i) != '\r' && text.charAt(i) != '\\') i++;
                blankAllowed = true;
                continue;
            } else if (Chars.isBase64(c) || c == '=') {
                oneLine |= onBeginLine;
                if (c != '=') lineChars++;
                lineEnd = ++i;
            } else {
                // The line stops here: it still counts when an END line (or a truncation) cut it, not when prose did.
                lineCounts = c == '-' || oneLine;
                break;
            }
        }
        if (lineEnd >= 0 && lineCounts) {
            dataEnd = lineEnd;
            dataChars += lineChars;
        }
        return new Body(i, dataEnd, dataChars);
    }

    /** The end of a newline at {@code i}: a real one, or one escaped as {@code \n} in a JSON or code string; else -1. */
    private static int newlineEnd(String text, int i) {
        char c = text.charAt(i);
        if (c == '\n') return i + 1;
        if (c == '\r') return Chars.in(text, i + 1, e -> e == '\n') ? i + 2 : i + 1;
        return c == '\\' ? escapedNewlineEnd(text, i) : -1;
    }

    /** The end of an escaped newline, {@code \n} or {@code \\n} (JSON inside JSON), at {@code i}; else -1. */
    private static int escapedNewlineEnd(String text, int i) {
        int j = i;
        while (j < text.length() && text.charAt(j) == '\\') j++;
        return Chars.in(text, j, e -> e == 'n' || e == 'r') ? j + 1 : -1;
    }

    private static boolean headerAt(String text, int i) {
        for (String h : HEADERS) {
            if (text.startsWith(h, i)) return true;
        }
        return false;
    }
}
