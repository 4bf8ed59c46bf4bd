package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.testing.RawHttp;
import dev.bastion.testing.TestGateway;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The protocol rules (920–922) — framing facts, header allow-lists, charsets, smuggling and splitting
 * through values, LDAP filters — over raw sockets through a gateway in block mode, each with the
 * ordinary request it must not refuse; and the pieces they stand on (request_shape, headers_names,
 * multipart part headers, {@code negate}, the charset detector) on their own.
 */
class ProtocolRulesTest {
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start(TestGateway.config("""
                  - { id: api, match: { methods: [GET, HEAD, POST, PUT], path: /* }, upstream: app, auth: { methods: [api_key] } }
                """) + """
                waf:
                  rules: { mode: block }
                """);
        key = gw.createKey("acme", "invoke");
        gw.upstream.behave(req -> req.response().end("ok"));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    /** The status line's code for a request written as is (head lines, then the body). */
    static int status(String requestLine, String headers, String body) throws IOException {
        StringBuilder r = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nAuthorization: Bearer ").append(key).append("\r\n");
        if (!headers.isEmpty()) r.append(headers.replace("\n", "\r\n")).append("\r\n");
        if (!body.isEmpty()) r.append("Content-Length: ").append(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).append("\r\n");
        r.append("Connection: close\r\n\r\n").append(body);
        try (RawHttp http = new RawHttp(gw.gateway.publicPort())) {
            String answer = http.write(r.toString()).readAll(3000);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    static final String FORM = "Content-Type: application/x-www-form-urlencoded";

    @Test
    void framingThatSmugglersUseIsRefusedAndOrdinaryFramingPasses() throws Exception {
        assertThat(status("GET /a HTTP/1.1", FORM, "x=1")).as("GET with a body").isEqualTo(403);
        // A body without a Content-Type is only a warning: many HTTP clients omit the header. Recorded, not refused alone.
        assertThat(status("POST /a HTTP/1.1", "", "x=1")).as("a body without a Content-Type").isEqualTo(200);
        Thread.sleep(100);
        assertThat(gw.accessLines().getLast()).contains("\"waf\":{\"action\":\"pass\",\"score\":3,\"rules\":[920640]");
        assertThat(status("POST /a HTTP/1.1", "Content-Type: application/json", "{\"x\":1}")).isEqualTo(200);
        assertThat(status("GET /a?x=1 HTTP/1.1", "", "")).isEqualTo(200);
        assertThat(status("POST /a HTTP/1.1", "Content-Type: application/json\nConnection: keep-alive, close", "{}")).as("keep-alive and close").isEqualTo(403);
    }

    @Test
    void headersThatChangeWhatTheRequestMeansAreRefused() throws Exception {
        for (String h : List.of("X-HTTP-Method-Override: DELETE", "Request-Range: bytes=0-10", "Content-Encoding: gzip", "If: <x>", "Lock-Token: <t>")) {
            assertThat(status("GET /a HTTP/1.1", h, "")).as(h).isEqualTo(403);
        }
        for (String h : List.of("Range: bytes=0-10", "If-None-Match: \"x\"", "X-Request-Range: 1", "Accept: text/html;q=0.9;charset=utf-8, */*")) {
            assertThat(status("GET /a HTTP/1.1", h, "")).as(h).isEqualTo(200);
        }
    }

    @Test
    void contentTypesAndCharsetsOutsideWhatIsInspectedAreRefused() throws Exception {
        assertThat(status("POST /a HTTP/1.1", "Content-Type: my-new-type", "x")).isEqualTo(403);
        assertThat(status("POST /a HTTP/1.1", FORM + "; charset=utf-7", "x=%2BADw-script%2BAD4-")).as("UTF-7").isEqualTo(403);
        assertThat(status("POST /a HTTP/1.1", FORM + ";charset=ibm037;charset=utf-8", "x=1")).as("two charsets").isEqualTo(403);
        assertThat(status("POST /a HTTP/1.1", FORM + ";boundary=\"application/json\"", "x=1")).as("a type in a parameter").isEqualTo(403);
        assertThat(status("POST /a HTTP/1.1", "Content-Type: text/plain; charset=\"UTF-8\"; garbage", "x")).as("malformed").isEqualTo(403);
        assertThat(status("GET /a HTTP/1.1", "Accept: text/html; charset=CP1026", "")).as("EBCDIC answers").isEqualTo(403);
        for (String type : List.of("application/json; charset=utf-8", FORM.substring(14) + "; charset=\"UTF-8\"", "application/merge-patch+json", "text/plain",
                "multipart/form-data; boundary=b")) {
            String body = type.startsWith("multipart") ? "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n" : type.contains("json") ? "{}" : "x=1";
            assertThat(status("POST /a HTTP/1.1", "Content-Type: " + type, body)).as(type).isEqualTo(200);
        }
    }

    @Test
    void multipartPartsWithEvasiveNamesOrCharsetsAreRefused() throws Exception {
        String type = "Content-Type: multipart/form-data; boundary=b";
        String utf7 = "--b\r\nContent-Disposition: form-data; name=\"u\"\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n+ADw-script+AD4-\r\n--b--\r\n";
        String split = "--b\r\nContent-Disposition: form-data; name=\"fi;le\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n";
        String entity = "--b\r\nContent-Disposition: form-data; name=\"caf&eacute;\"; filename=\"men&uuml;.txt\"\r\n\r\nhello\r\n--b--\r\n";
        assertThat(status("POST /a HTTP/1.1", type, utf7)).isEqualTo(403);
        assertThat(status("POST /a HTTP/1.1", type, split)).isEqualTo(403);
        assertThat(status("POST /a HTTP/1.1", type, entity)).as("HTML entities in names are no evasion").isEqualTo(200);
    }

    @Test
    void smugglingSplittingAndLdapThroughValuesAreRefused() throws Exception {
        assertThat(status("POST /a HTTP/1.1", FORM, "v=x%0d%0aGET+/admin+HTTP/1.1")).as("request line").isEqualTo(403);
        assertThat(status("GET /a?v=x%0d%0aSet-Cookie:%20s=1 HTTP/1.1", "", "")).as("response splitting").isEqualTo(403);
        assertThat(status("GET /a?v=x%0d%0aX-Forwarded-For:%201.2.3.4 HTTP/1.1", "", "")).as("header injection").isEqualTo(403);
        assertThat(status("GET /a?user=admin)(%7C(password%3D* HTTP/1.1", "", "")).as("LDAP").isEqualTo(403);
        assertThat(status("GET /a?v=line%20one%0d%0aline%20two HTTP/1.1", "", "")).as("a multi-line value").isEqualTo(200);
        assertThat(status("GET /a?expr=(1%2B2)%2B(3%2B4)&note=a)%20(see%20page%202) HTTP/1.1", "", "")).as("parentheses in prose").isEqualTo(200);
        assertThat(status("GET /a/report.pdf HTTP/1.1", "", "")).isEqualTo(200);
        assertThat(status("GET /a/dump.sql HTTP/1.1", "", "")).as("a database dump").isEqualTo(403);
        assertThat(status("GET /a/index.php~ HTTP/1.1", "", "")).as("an editor backup").isEqualTo(403);
    }

    @Test
    void theCharsetDetectorReadsEveryParameter() {
        assertThat(CharsetDetector.matches("text/plain; charset=utf-8")).isFalse();
        assertThat(CharsetDetector.matches("text/plain; CHARSET = \"UTF-8\"")).isFalse();
        assertThat(CharsetDetector.matches("text/html;q=0.9;charset='iso-8859-15',*/*")).isFalse();
        assertThat(CharsetDetector.matches("text/plain; charset=utf-7")).isTrue();
        assertThat(CharsetDetector.matches("text/plain; charset=utf-88")).isTrue();
        assertThat(CharsetDetector.matches("x; charset=utf-8; charset=ibm037")).isTrue();
        assertThat(CharsetDetector.matches("x; charset=")).as("empty").isTrue();
        assertThat(CharsetDetector.matches("the charset parameter")).as("a word, not a parameter").isFalse();
    }

    @Test
    void requestShapeAndHeaderNamesAreTargets() {
        RequestTargets t = RequestTargets.of("GET", "/a", null, List.of(Map.entry("Transfer-Encoding", "chunked"), Map.entry("X-A", "1")), null, "x".getBytes(), x -> Set.of());
        assertThat(t.all()).extracting(RequestTargets.Target::value).contains("GET body chunked no_content_type", "transfer-encoding", "x-a");
        RequestTargets m = RequestTargets.of("POST", "/a", null, List.of(), "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n".getBytes(), x -> Set.of());
        assertThat(m.all()).contains(new RequestTargets.Target("files_names", "files_names", "f"),
                new RequestTargets.Target("multipart_headers", "multipart_headers:content-type", "text/plain"));
    }

    @Test
    void xmlBodiesAreReadAsTheirValuesAndNeverResolveAnEntity() throws Exception {
        RequestTargets t = RequestTargets.of("POST", "/a", null, List.of(), "application/xml; charset=utf-8",
                "<?xml version=\"1.0\"?><root><java.Runtime probe=\"a &amp; b\">text <![CDATA[<x>]]></java.Runtime></root>".getBytes(), x -> Set.of());
        assertThat(t.all()).contains(new RequestTargets.Target("body", "xml:/root/java.runtime/@probe", "a & b"),
                new RequestTargets.Target("body", "xml:/root/java.runtime", "text <x>"));
        assertThat(t.all()).extracting(RequestTargets.Target::value).noneMatch(v -> v.contains("<root>"));
        java.nio.file.Path secret = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("xxe", ".txt"), "TOP-SECRET-CONTENT");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><r>&x;</r>";
        RequestTargets e = RequestTargets.of("POST", "/a", null, List.of(), "text/xml", xxe.getBytes(), x -> Set.of());
        assertThat(e.all()).extracting(RequestTargets.Target::value).noneMatch(v -> v.contains("TOP-SECRET")).contains(xxe);
        // Nested past what is read: the request is incomplete (refused in block mode), what was read is kept.
        String deep = "<a>shallow" + "<x>".repeat(70) + "deep" + "</x>".repeat(70) + "</a>";
        RequestTargets d = RequestTargets.of("POST", "/a", null, List.of(), "application/xml", deep.getBytes(), x -> Set.of());
        assertThat(d.complete()).isFalse();
        assertThat(d.all()).extracting(RequestTargets.Target::value).contains("shallow").doesNotContain("deep");
        assertThat(status("POST /a HTTP/1.1", "Content-Type: application/xml", deep)).isEqualTo(403);
        // Element names are structure: a Java class as an element name passes, as a value it does not.
        assertThat(status("POST /a HTTP/1.1", "Content-Type: application/xml", "<x><java.Runtime>1</java.Runtime></x>")).isEqualTo(200);
        assertThat(status("POST /a HTTP/1.1", "Content-Type: application/xml", "<x><a>java.Runtime</a></x>")).isEqualTo(403);
    }

    @Test
    void negateIsOnlyForRegularExpressions() throws Exception {
        assertThatThrownBy(() -> RuleSet.of("rules: [{ id: 1, targets: [path], pm: [a], negate: true }]")).hasMessageContaining("negate: only with rx");
        RuleSet set = RuleSet.of("rules: [{ id: 1, targets: [\"headers:x\"], negate: true, rx: '^ok$' }]");
        Inspector in = new Inspector(set, 1);
        assertThat(in.inspect(RequestTargets.of("GET", "/", null, List.of(Map.entry("X", "ok")), null, null, x -> Set.of()), List.of()).score()).isZero();
        assertThat(in.inspect(RequestTargets.of("GET", "/", null, List.of(Map.entry("X", "no")), null, null, x -> Set.of()), List.of()).score()).isEqualTo(5);
    }
}
