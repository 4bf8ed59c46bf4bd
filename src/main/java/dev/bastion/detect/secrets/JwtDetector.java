package dev.bastion.detect.secrets;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * JSON Web Tokens in compact form: {@code header.payload.signature}, three base64url segments where header
 * and payload start {@code eyJ} (base64 of <code>{"</code>) and the header decodes to a JSON object with an
 * {@code alg} member. Padding is tolerated though JWTs do not use it. The span covers all three segments.
 *
 * <p>Deliberately not caught: unsigned tokens with an empty signature ({@code alg: none} grants nothing),
 * JWE's five-segment form beyond its first three segments, and {@code eyJ…} strings whose header is not
 * JSON or names no algorithm (plenty of base64-encoded JSON is not a token).
 */
public final class JwtDetector implements Detector {
    /** Real headers are a few dozen bytes; a megabyte "header" is not one, and decoding it would waste memory. */
    private static final int MAX_HEADER_CHARS = 4096;

    @Override
    public Set<String> types() {
        return Set.of("JWT");
    }

    @Override
    public void scan(String text, List<Finding> out) {
        int i = 0;
        while ((i = text.indexOf("eyJ", i)) >= 0) {
            if (Chars.in(text, i - 1, Chars::isUrlSafe)) {
                i++;
                continue;
            }
            int headerEnd = Chars.runEnd(text, i, Chars::isUrlSafe, Integer.MAX_VALUE - 1);
            int end = tokenEnd(text, i, headerEnd);
            if (end > 0) out.add(new Finding("JWT", Finding.Category.SECRET, i, end));
            // Nothing inside the header run can start a token: skip it. Each run is read by at most three candidates.
            i = end > 0 ? end : headerEnd;
        }
    }

    /** The end of the signature when {@code text[start, headerEnd)} heads a whole token, else -1. */
    private static int tokenEnd(String text, int start, int headerEnd) {
        int payload = afterDot(text, headerEnd);
        if (payload < 0 || !text.startsWith("eyJ", payload)) return -1;
        int signature = afterDot(text, Chars.runEnd(text, payload, Chars::isUrlSafe, Integer.MAX_VALUE - 1));
        if (signature < 0) return -1;
        int end = Chars.runEnd(text, signature, Chars::isUrlSafe, Integer.MAX_VALUE - 1);
        if (end == signature) return -1;
        return headerNamesAlgorithm(text, start, headerEnd) ? end : -1;
    }

    /** Skips up to two padding {@code =} and a {@code .}; returns the index after the dot, or -1. */
    private static int afterDot(String text, int i) {
        for (int pad = 0; pad < 2 && Chars.in(text, i, c -> c == '='); pad++) i++;
        return Chars.in(text, i, c -> c == '.') ? i + 1 : -1;
    }

    static boolean headerNamesAlgorithm(String text, int from, int to) {
        if (to - from > MAX_HEADER_CHARS) return false;
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.substring(from, to));
        } catch (IllegalArgumentException notBase64url) {
            return false;
        }
        String json = new String(bytes, StandardCharsets.UTF_8).strip();
        return json.startsWith("{") && json.endsWith("}") && hasMember(json, "alg");
    }

    /** Whether {@code "name"} appears followed, after optional whitespace, by a colon: a member name, not a value. */
    private static boolean hasMember(String json, String name) {
        String quoted = '"' + name + '"';
        for (int at = json.indexOf(quoted); at >= 0; at = json.indexOf(quoted, at + 1)) {
            int i = at + quoted.length();
            while (i < json.length() && Character.isWhitespace(json.charAt(i))) i++;
            if (i < json.length() && json.charAt(i) == ':') return true;
        }
        return false;
    }
}
