package dev.bastion.edge;

/**
 * Checks a request path before routing. Routes are matched against the percent-decoded path, and the
 * path is refused (400) when the decoded form is ambiguous — dot segments, empty segments, encoded
 * slashes or backslashes, NUL or control characters, raw non-ASCII bytes, encoded bytes that are not strict
 * UTF-8 (overlong forms such as {@code %c0%ae}) — because an upstream that resolves those itself
 * could see a different path than the one Bastion authorised ({@code /v1/%2e%2e/admin}).
 * Dot and empty segments are recognised with path parameters too: Tomcat, Jetty and Spring drop
 * {@code ;…} from a segment before resolving it, so {@code /public/..;/private} reaches them as
 * {@code /private} ({@code ..;x}, {@code .;x}, {@code %2e%2e;}, {@code .%3b} alike).
 * A valid path is forwarded exactly as received.
 */
public final class PathNormalizer {
    private PathNormalizer() {}

    /**
     * The path routes are matched on: each segment's name, without its parameters ({@code /admin;x/users} →
     * {@code /admin/users}). Tomcat, Jetty and Spring read a segment's name the same way, so a route decides
     * on the path such an upstream will serve; for an upstream that keeps {@code ;x} as part of the name,
     * the request was only held to a stricter route. Allocates only when a {@code ;} is present.
     */
    public static String withoutParameters(String decodedPath) {
        int semi = decodedPath.indexOf(';');
        if (semi < 0) return decodedPath;
        StringBuilder out = new StringBuilder(decodedPath.length()).append(decodedPath, 0, semi);
        for (int i = semi; i < decodedPath.length(); i++) {
            char c = decodedPath.charAt(i);
            if (c == ';') {
                int slash = decodedPath.indexOf('/', i);
                if (slash < 0) break;
                i = slash - 1; // the parameters end where the next segment starts
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The decoded path, or {@code null} when the raw path is refused. */
    public static String decode(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') return null;
        StringBuilder out = null;
        int n = rawPath.length();
        for (int i = 0; i < n; i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= n) return null;
                int hi = Character.digit(rawPath.charAt(i + 1), 16), lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                int decoded = hi * 16 + lo;
                // An encoded slash or backslash would make one path segment become two upstream.
                if (decoded == '/' || decoded == '\\' || decoded < 0x20 || decoded == 0x7f) return null;
                if (out == null) out = new StringBuilder(n).append(rawPath, 0, i);
                out.append((char) decoded);
                i += 2;
            } else {
                if (c < 0x21 || c == 0x7f || c == '\\' || c >= 0x80) return null;
                if (out != null) out.append(c);
            }
        }
        String path = out == null ? rawPath : out.toString();
        return hasAmbiguousSegments(path) || !isUtf8(path) ? null : path;
    }

    /**
     * Whether the decoded bytes (one per char) are strict UTF-8. An upstream whose decoder is lenient reads
     * the overlong {@code %c0%ae} as {@code .} and {@code %c0%af} as {@code /}: {@code /api/%c0%ae%c0%ae/admin}
     * would pass here as an ordinary segment and resolve to {@code /admin} there (found by PathNormalizerFuzzTest).
     */
    private static boolean isUtf8(String latin1) {
        int i = 0, n = latin1.length();
        while (i < n && latin1.charAt(i) < 0x80) i++;
        if (i == n) return true;
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static boolean hasAmbiguousSegments(String path) {
        int start = 1;
        int n = path.length();
        while (start <= n) {
            int end = path.indexOf('/', start);
            if (end < 0) end = n;
            // The segment as a servlet container resolves it: without its path parameters.
            int nameEnd = start;
            while (nameEnd < end && path.charAt(nameEnd) != ';') nameEnd++;
            int len = nameEnd - start;
            // An empty segment is only allowed as the trailing slash.
            if (len == 0 && end != n) return true;
            if (len == 1 && path.charAt(start) == '.') return true;
            if (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.') return true;
            start = end + 1;
        }
        return false;
    }
}
