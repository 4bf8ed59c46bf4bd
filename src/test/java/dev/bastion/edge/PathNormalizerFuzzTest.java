package dev.bastion.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link PathNormalizer} with arbitrary request targets. Properties of every accepted path: it is
 * absolute; it has no dot segment and no empty one but the trailing slash, with or without path parameters;
 * normalising is idempotent (re-encoding the decoded path and decoding it again gives it back); and a path
 * Bastion routes under {@code /api} stays under {@code /api} for the upstreams Bastion claims agreement with —
 * one that strips {@code ;params} per segment (Tomcat, Jetty, Spring) and resolves dot segments
 * (RFC 3986 §5.2.4), and one whose UTF-8 decoder also reads overlong forms ({@code %c0%ae} as {@code .}).
 */
class PathNormalizerFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void acceptedPathsAreUnambiguous(byte[] input) {
        String raw = new String(input, StandardCharsets.ISO_8859_1);
        String decoded = PathNormalizer.decode(raw);
        if (decoded == null) return;
        assertThat(decoded).startsWith("/");
        String routed = PathNormalizer.withoutParameters(decoded);
        assertThat(PathNormalizer.withoutParameters(routed)).as("idempotent").isEqualTo(routed);
        assertThat(PathNormalizer.decode(encode(decoded))).as("normalising twice").isEqualTo(decoded);
        for (String upstreamView : new String[] {servletView(decoded), servletView(lenientUtf8(decoded))}) {
            assertNoDotOrEmptySegments(upstreamView);
            assertThat(removeDotSegments(upstreamView)).as("resolves to itself: %s", upstreamView).isEqualTo(upstreamView);
            boolean underApi = routed.equals("/api") || routed.startsWith("/api/");
            if (underApi) assertThat(removeDotSegments(upstreamView)).as("stays under the route").matches("/api(/.*)?");
        }
    }

    private static void assertNoDotOrEmptySegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            assertThat(segments[i]).as("segment %d of %s", i, path).isNotIn(".", "..");
            if (i < segments.length - 1) assertThat(segments[i]).as("empty segment in %s", path).isNotEmpty();
        }
    }

    /** Each segment without its ";params", as a servlet container resolves it. */
    static String servletView(String path) {
        StringBuilder out = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            int semi = seg.indexOf(';');
            if (!out.isEmpty() || !seg.isEmpty()) out.append('/');
            out.append(semi < 0 ? seg : seg.substring(0, semi));
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    /** The decoded bytes (one per char) read by a UTF-8 decoder that accepts overlong forms. */
    static String lenientUtf8(String latin1) {
        StringBuilder out = new StringBuilder();
        int n = latin1.length();
        for (int i = 0; i < n; i++) {
            int b = latin1.charAt(i);
            if (b >= 0xc0 && b <= 0xdf && i + 1 < n && (latin1.charAt(i + 1) & 0xc0) == 0x80) {
                out.append((char) (((b & 0x1f) << 6) | (latin1.charAt(i + 1) & 0x3f)));
                i++;
            } else if (b >= 0xe0 && b <= 0xef && i + 2 < n && (latin1.charAt(i + 1) & 0xc0) == 0x80 && (latin1.charAt(i + 2) & 0xc0) == 0x80) {
                out.append((char) (((b & 0x0f) << 12) | ((latin1.charAt(i + 1) & 0x3f) << 6) | (latin1.charAt(i + 2) & 0x3f)));
                i += 2;
            } else {
                out.append((char) b);
            }
        }
        return out.toString();
    }

    /** RFC 3986 §5.2.4. */
    static String removeDotSegments(String in) {
        StringBuilder out = new StringBuilder();
        String s = in;
        while (!s.isEmpty()) {
            if (s.startsWith("../")) s = s.substring(3);
            else if (s.startsWith("./")) s = s.substring(2);
            else if (s.startsWith("/./")) s = s.substring(2);
            else if (s.equals("/.")) s = "/";
            else if (s.startsWith("/../") || s.equals("/..")) {
                s = s.equals("/..") ? "/" : s.substring(3);
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(0, last));
            } else if (s.equals(".") || s.equals("..")) s = "";
            else {
                int next = s.indexOf('/', s.startsWith("/") ? 1 : 0);
                if (next < 0) next = s.length();
                out.append(s, 0, next);
                s = s.substring(next);
            }
        }
        return out.toString();
    }

    /** The decoded path percent-encoded again wherever a raw character would not be accepted. */
    static String encode(String decoded) {
        StringBuilder out = new StringBuilder();
        for (char c : decoded.toCharArray()) {
            if (c == '%' || c < 0x21 || c >= 0x7f || c == '\\') out.append('%').append(String.format("%02X", (int) c));
            else out.append(c);
        }
        return out.toString();
    }
}
