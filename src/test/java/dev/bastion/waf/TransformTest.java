package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Scaling;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Each transformation on the evasions it exists for, and on input it must leave alone. */
class TransformTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // URL decoding: plain, +, %u, overlong UTF-8, broken escapes kept, invalid bytes visible
                Arguments.of(Transform.URL_DECODE_UNI, "%27%20OR%201%3D1--", "' OR 1=1--"),
                Arguments.of(Transform.URL_DECODE_UNI, "a+b", "a b"),
                Arguments.of(Transform.URL_DECODE_UNI, "%u003cscript%u003e", "<script>"),
                Arguments.of(Transform.URL_DECODE_UNI, "%c0%ae%c0%ae/etc/passwd", "../etc/passwd"),
                Arguments.of(Transform.URL_DECODE_UNI, "%e2%80%8b", "\u200b"),
                Arguments.of(Transform.URL_DECODE_UNI, "%zz%4", "%zz%4"),
                Arguments.of(Transform.URL_DECODE_UNI, "a%ffb", "a\ufffdb"),
                Arguments.of(Transform.URL_DECODE_UNI, "caf%C3%A9", "café"),
                Arguments.of(Transform.URL_DECODE_UNI, "plain text", "plain text"),
                Arguments.of(Transform.URL_DECODE_REPEATED, "%252e%252e%252f", "../"),
                Arguments.of(Transform.URL_DECODE_REPEATED, "%25252527", "'"),
                // HTML entities: named, decimal, hex, without ;, zero padding
                Arguments.of(Transform.HTML_ENTITY_DECODE, "&lt;script&gt;", "<script>"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "&#60;img src=x onerror=alert(1)&#62;", "<img src=x onerror=alert(1)>"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "&#x6A;avascript&colon;", "javascript:"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "&#0000000060;", "<"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "&#60&#62", "<>"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "AT&T & friends &unknown;", "AT&T & friends &unknown;"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "&#99999999999;", "\ufffd"),
                Arguments.of(Transform.HTML_ENTITY_DECODE, "$&lbracejndi:", "${jndi:"),
                Arguments.of(Transform.JS_DECODE, "$\\u007Bjndi\\x3a", "${jndi:"),
                Arguments.of(Transform.JS_DECODE, "a\\nb\\\"c", "a\nb\"c"),
                // case and Unicode folding
                Arguments.of(Transform.LOWERCASE, "SeLeCt", "select"),
                Arguments.of(Transform.NFKC, "\uff1c\uff53\uff43\uff52\uff49\uff50\uff54\uff1e", "<script>"),
                Arguments.of(Transform.NFKC, "ascii only", "ascii only"),
                // paths
                Arguments.of(Transform.NORMALIZE_PATH, "/a/./b//c/../d", "/a/b/d"),
                Arguments.of(Transform.NORMALIZE_PATH, "/app/../../../etc/passwd", "/../../etc/passwd"),
                Arguments.of(Transform.NORMALIZE_PATH, "../../etc/shadow", "../../etc/shadow"),
                Arguments.of(Transform.NORMALIZE_PATH, "/images/", "/images/"),
                Arguments.of(Transform.NORMALIZE_PATH_WIN, "..\\..\\windows\\win.ini", "../../windows/win.ini"),
                // null bytes, white space, comments
                Arguments.of(Transform.REMOVE_NULLS, "pass\0wd", "passwd"),
                Arguments.of(Transform.COMPRESS_WHITESPACE, "union \t\n  select", "union select"),
                Arguments.of(Transform.REMOVE_WHITESPACE, "un ion\tsel\nect", "unionselect"),
                Arguments.of(Transform.REMOVE_COMMENTS, "1/**/UNION/*x*/SELECT", "1 UNION SELECT"),
                Arguments.of(Transform.REMOVE_COMMENTS, "1 /*!50000UNION*/ SELECT", "1 UNION SELECT"),
                Arguments.of(Transform.REMOVE_COMMENTS, "admin'-- comment\nx", "admin'\nx"),
                Arguments.of(Transform.REMOVE_COMMENTS, "1 or 1=1 # rest", "1 or 1=1 "),
                Arguments.of(Transform.REMOVE_COMMENTS, "open /* never closed", "open  "),
                // shell obfuscation
                Arguments.of(Transform.CMD_LINE, "c^m^d /c wh\"o\"a'm'i", "cmd/c whoami"),
                Arguments.of(Transform.CMD_LINE, "/bin/c\\at /etc/pas\"\"swd", "/bin/cat/etc/passwd"),
                Arguments.of(Transform.CMD_LINE, "PING,-n,1;127.0.0.1", "ping -n 1 127.0.0.1"),
                Arguments.of(Transform.CMD_LINE, "wget   http://x (y)", "wget http://x(y)"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void transforms(Transform t, String in, String out) {
        assertThat(t.apply(in)).isEqualTo(out);
    }

    @Test
    void chainsApplyInOrder() {
        assertThat(Transform.all("%3CSCRIPT%3E", Transform.URL_DECODE_UNI, Transform.LOWERCASE)).isEqualTo("<script>");
        assertThat(Transform.all("%26lt%3Bsvg%26gt%3B", Transform.URL_DECODE_UNI, Transform.HTML_ENTITY_DECODE)).isEqualTo("<svg>");
    }

    /**
     * Hostile repetitions: no transformation grows a megabyte of them, or takes much more than eight times
     * as long on 256 KB as on 32 KB.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Transform.class)
    void hostileInputsNeverGrowAndStayLinear(Transform t) {
        String[] units = {"%", "%u", "&#", "/*", "../", "%c0", "9", "^\"'"};
        for (String unit : units) {
            // "&999…": one endless numeric entity.
            String start = unit.equals("9") ? "&" : "";
            String megabyte = start + unit.repeat((1 << 20) / unit.length());
            assertThat(t.apply(megabyte).length()).as("%s grows its input", t).isLessThanOrEqualTo(megabyte.length());
            Scaling.assertLinear(t + " on " + start + unit + "×n", (1 << 15) / unit.length(), k -> start + unit.repeat(k), t::apply);
        }
    }

    @Test
    void theCommandLineFastPathAgreesWithTheLongWay() {
        java.util.Random rnd = new java.util.Random(11);
        String alphabet = "ab/( ;,\\\"'^\tAZ\u00c4\u00e4.";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = rnd.nextInt(8); k > 0; k--) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            String v = sb.toString();
            if (Transform.cmdLineKeeps(v)) assertThat(Transform.cmdLine(v)).as("'%s'", v).isEqualTo(v);
            assertThat(Transform.CMD_LINE.apply(v)).as("'%s'", v).isEqualTo(Transform.cmdLine(v));
        }
        assertThat(Transform.CMD_LINE.apply("/on/v1/chat")).isSameAs("/on/v1/chat".intern());
    }
}
