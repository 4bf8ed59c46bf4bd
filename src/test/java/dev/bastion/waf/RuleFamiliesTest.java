package dev.bastion.waf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in rules of the LFI (930), RFI (931), PHP (933), generic (934) and session-fixation (943) families
 * at paranoia 1, on requests: a few attacks of each payload class must be caught by a rule of their family,
 * and benign near-misses — prose, URLs, file names, templates, session ids in cookies — must not be caught by
 * any rule of these families.
 */
class RuleFamiliesTest {
    static final Inspector PL1 = new Inspector(RuleSet.load(List.of()), 1);
    static final Set<Integer> FAMILIES = Set.of(930, 931, 933, 934, 943);

    /** Where a test value goes in the request. */
    enum At { QUERY, NAME, COOKIE, HEADER, JSON, XML, PATH, FILE }

    static Stream<Arguments> attacks() {
        return Stream.of(
                // 930: traversal in every spelling, OS and secret files, AI-tool configuration
                a(930, At.QUERY, "../../../etc/passwd"), a(930, At.QUERY, "..\\pineapple"), a(930, At.QUERY, "....//....//etc/issue"),
                a(930, At.QUERY, "..;/..;/admin"), a(930, At.QUERY, "%c0%ae%c0%ae/%c0%ae%c0%ae/boot.ini"), a(930, At.QUERY, "%252e%252e%252fsecret"),
                a(930, At.QUERY, ".../.../WINDOWS/win.ini"), a(930, At.HEADER, "0x5c0x2e.%00/"), a(930, At.FILE, "../1.7z"),
                a(930, At.QUERY, "/proc/self/environ"), a(930, At.QUERY, "cat /etc/subuid"), a(930, At.QUERY, ".ssh/id_rsa"),
                a(930, At.QUERY, "/path/to/.docker/config.json"), a(930, At.QUERY, "backup.sql.zip"), a(930, At.PATH, "/.env"),
                a(930, At.PATH, "/@fs/etc/passwd"), a(930, At.PATH, "/wp-content/debug.log"), a(930, At.PATH, "/.git/config"),
                a(930, At.PATH, "/.cursor/mcp.json"), a(930, At.PATH, "/.claude/settings.json"), a(930, At.XML, "/etc/shadow"),
                // 931: URLs to numeric hosts, include-parameter names, the trailing '?'
                a(931, At.QUERY, "http://66.240.183.75/crash.php"), a(931, At.QUERY, "https://[2001:41d0:701:1100::29c8]/gecko.php"),
                a(931, At.QUERY, "https://foo.bar?"), a(931, At.QUERY, "ftp?"), a(931, At.XML, "ftp%3A%2F%2F1.1.1.1"),
                // 933: tags, wrappers, functions, variables, superglobals, serialized objects, ini directives
                a(933, At.QUERY, "<?php system('id'); ?>"), a(933, At.QUERY, "<?= $x ?>"), a(933, At.QUERY, "[php]echo 1;[/php]"),
                a(933, At.HEADER, "<?=phpinfo()?>"), a(933, At.COOKIE, "<?php phpinfo(); ?>"), a(933, At.QUERY, "php://filter/convert.base64-encode/resource=index"),
                a(933, At.QUERY, "expect://id"), a(933, At.QUERY, "zip://shell.jpg#x.php"), a(933, At.QUERY, "phar://a.zip/b"),
                a(933, At.QUERY, "data://text/plain;base64,PD9waHAgcGhwaW5mbygpOyA/Pg=="), a(933, At.QUERY, "compress.zlib://http://x/y.gz"),
                a(933, At.QUERY, "base64_decode('cGhw')"), a(933, At.QUERY, "FOOgzinflate()"), a(933, At.QUERY, "exec('id')"),
                a(933, At.QUERY, "system /*x*/ (whoami)"), a(933, At.QUERY, "(\"system\")(\"whoami\")"), a(933, At.QUERY, "$f('id')"),
                a(933, At.QUERY, "${'_GET'}[0]"), a(933, At.QUERY, "$_SERVER['HTTP_HOST']"), a(933, At.NAME, "$_COOKIE"),
                a(933, At.QUERY, "O:8:\"stdClass\":1:{s:1:\"a\";i:2;}"), a(933, At.QUERY, "allow_url_include=On"),
                a(933, At.QUERY, "(sy.(st).em)('uname');"), a(933, At.QUERY, "[system][0](ls);"), a(933, At.HEADER, "sess_d8ew88tqmabdcokhumchy8htqm"),
                // 934: Node.js, prototype pollution, SSRF, Ruby, endless loops, data: URIs, template injection
                a(934, At.QUERY, "require('child_process').exec('id')"), a(934, At.QUERY, "_$$ND_FUNC$$_function(){}"), a(934, At.COOKIE, "XyQkTkRfRlVOQyQkX2Z1bmN0aW9uKCkK"),
                a(934, At.QUERY, "process.mainModule.require('fs')"), a(934, At.QUERY, "console[\"log\"](1)"), a(934, At.QUERY, "this.constructor.constructor('x')()"),
                a(934, At.NAME, "__proto__[admin]"), a(934, At.NAME, "constructor[prototype][isAdmin]"), a(934, At.JSON, "{\"a\":{\"__proto__\":{\"x\":1}}}"),
                a(934, At.QUERY, "http://169.254.169.254/latest/meta-data/iam/security-credentials/"), a(934, At.QUERY, "http://localhost:8080/admin"),
                a(934, At.QUERY, "host.docker.internal/"), a(934, At.QUERY, "gopher://127.0.0.1:6379/_INFO"), a(934, At.QUERY, "Process.spawn(\"id\")"),
                a(934, At.QUERY, "while(true);"), a(934, At.QUERY, "while(!![]);"), a(934, At.QUERY, "data:text/plain;base64,SSBsb3ZlIFBIUAo="),
                a(934, At.QUERY, "{{7*7}}"), a(934, At.QUERY, "{{''.__class__.__mro__}}"), a(934, At.QUERY, "${{7*7}}"), a(934, At.QUERY, "#{7*7}"),
                a(934, At.QUERY, "<%= 7*7 %>"), a(934, At.QUERY, "<% system('id') %>"),
                // 943: cookies set from script, session ids handed over in links
                a(943, At.QUERY, "<script>document.cookie=\"sessionid=1234; domain=.example.dom\";</script>"),
                a(943, At.NAME, "jsessionid"), a(943, At.NAME, "PHPSESSID"), a(943, At.NAME, "connect.sid"), a(943, At.JSON, "{\"phpsession\":\"foo\"}"));
    }

    static Stream<Arguments> benign() {
        return Stream.of(
                // near misses of 930
                b(At.QUERY, "and/or ../ in docs"), b(At.QUERY, "see ../README for details"), b(At.QUERY, "wait..."), b(At.QUERY, "..."),
                b(At.QUERY, "foo../1234"), b(At.QUERY, "1..10"), b(At.QUERY, "report.pdf"), b(At.FILE, "report.pdf"),
                b(At.QUERY, "firstname.dockery@host.tld"), b(At.NAME, "history.history"), b(At.PATH, "/jquery.history.min.js"),
                b(At.PATH, "/api/continue/session"), b(At.PATH, "/repo.git/info/refs"), b(At.QUERY, ">/test.environment"),
                // 931
                b(At.QUERY, "https://example.com/a/b"), b(At.QUERY, "https://foo.bar?foo=bar"), b(At.QUERY, "filed my taxes, what now?"),
                b(At.QUERY, "https://example.com/api/v1.2.3"), b(At.QUERY, "is http faster than ftp?"),
                // 933
                b(At.QUERY, "php is a language"), b(At.QUERY, "richard.php@my-email.com"), b(At.QUERY, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>"),
                b(At.QUERY, "<?xml-stylesheet type=\"text/xsl\" href=\"s.xsl\"?>"), b(At.QUERY, "<?xpacket begin=\"?\" id=\"W5M0\"?>"),
                b(At.QUERY, "Is this a test? What do you think?"), b(At.QUERY, "result = (x < 5) ? yes : no"), b(At.COOKIE, "<?php"),
                b(At.QUERY, "the files (yep)"), b(At.QUERY, "please upload the file(s)"), b(At.QUERY, "the system is down()"), b(At.QUERY, "exec ("),
                b(At.QUERY, "the file (attached)"), b(At.QUERY, "ecosystem()"), b(At.QUERY, "RootAndLeafOpenCamera.jpg"),
                b(At.QUERY, "autodescription-site-settings[title_strip_tags]"), b(At.QUERY, "SprintForTheCause"),
                b(At.QUERY, "A loaded ghost gun (unserialized) was recovered"), b(At.QUERY, "phpinfo can leak configuration details"),
                b(At.QUERY, "$a//foo()"), b(At.QUERY, "$a#foo()"), b(At.QUERY, "${}"), b(At.QUERY, "price: $5 (incl. tax)"),
                b(At.QUERY, "this is a \"dog\" (not a cat)"), b(At.QUERY, "see [the docs](https://example.com/docs); then retry"),
                b(At.QUERY, "search engine = google"), b(At.QUERY, "session.timeout=30"), b(At.QUERY, "see file(1).pdf"),
                b(At.QUERY, "I said \"hi\" (twice);"), b(At.QUERY, "(see above) (page 3);"), b(At.QUERY, "my profile (and global settings)"),
                b(At.HEADER, "my_sess_data.txt"), b(At.HEADER, "sess_short"), b(At.QUERY, "lz77://some_file.lz"),
                b(At.QUERY, "O'Brien"), b(At.QUERY, "time is money"), b(At.QUERY, "Tom & Jerry; popcorn"),
                // 934
                b(At.QUERY, "{{name}} templates in docs"), b(At.QUERY, "Hello {{user.name}}, welcome"), b(At.QUERY, "#{name}"), b(At.QUERY, "<%=title%>"),
                b(At.QUERY, "process."), b(At.QUERY, "console."), b(At.QUERY, "while (foo) is bar."), b(At.QUERY, "while(!true);"),
                b(At.QUERY, "proto"), b(At.QUERY, "the prototype is ready"), b(At.QUERY, "localhost"), b(At.QUERY, "mylocalhost"),
                b(At.QUERY, "example.com/"), b(At.QUERY, "data:image/png;base64,iVBORw0KGgo="),
                b(At.QUERY, "cat food"), b(At.QUERY, "echo chamber"), b(At.QUERY, "who am I"),
                b(At.JSON, "{\"text\":\"Please update the docs, I need to process the file by Friday\",\"n\":1}"),
                // 943: the session id as the prose word, and in the cookie where it belongs
                b(At.QUERY, "my session id expired"), b(At.NAME, "session"), b(At.NAME, "side"), b(At.COOKIE, "74B0CB414BD77D17B5680A6386EF1666"),
                b(At.QUERY, "document.cookie is a browser API"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2}")
    @MethodSource("attacks")
    void attacksAreCaughtByTheirFamily(int family, At at, String value) {
        assertThat(families(fired(at, value))).as("rules fired on %s", value).contains(family);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("benign")
    void nearMissesPass(At at, String value) {
        List<Integer> rules = fired(at, value);
        assertThat(rules.stream().filter(r -> FAMILIES.contains(r / 1000)).toList()).as("rules fired on %s", value).isEmpty();
    }

    /** Any spelling of the cloud metadata address is refused from paranoia 2; at 1 only its credential and user-data endpoints are (as CRS). */
    @Test
    void metadataAddressInAnySpellingFromParanoiaTwo() {
        Inspector pl2 = new Inspector(RuleSet.load(List.of()), 2);
        for (String v : List.of("169.254.169.254/latest/user-data", "2852039166", "[::ffff:a9fe:a9fe]", "http://metadata.google.internal")) {
            RequestTargets t = RequestTargets.of("GET", "/get", "ssrf=" + URLEncoder.encode(v, StandardCharsets.UTF_8), List.of(), null, null, json -> Set.of());
            assertThat(pl2.inspect(t, List.of()).matches()).as(v).extracting(Inspector.Match::rule).contains(934111);
            assertThat(fired(At.QUERY, v)).as(v).doesNotContain(934110, 934111);
        }
    }

    @Test
    void ordinaryTrafficOfEveryKindPasses() {
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Can you compare the plans on https://example.com/pricing?"
                + " I'd like the cheapest one, billed yearly; my name is O'Brien and my email is tom@example.com.\"}],\"max_tokens\":256}";
        assertThat(fired(At.JSON, chat)).isEmpty();
        assertThat(fired(At.QUERY, "2024-05-01T10:00:00Z")).isEmpty();
        assertThat(fired(At.QUERY, "$19.99 (was $24.99)")).isEmpty();
    }

    static Arguments a(int family, At at, String value) {
        return Arguments.of(family, at, value);
    }

    static Arguments b(At at, String value) {
        return Arguments.of(at, value);
    }

    /** The ids of the rules that match a request carrying {@code value} at {@code at}. */
    static List<Integer> fired(At at, String value) {
        String path = "/get", query = null, contentType = null;
        byte[] body = null;
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(List.of(Map.entry("Host", "localhost"), Map.entry("Accept", "*/*")));
        switch (at) {
            case QUERY -> query = "q=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            case NAME -> query = URLEncoder.encode(value, StandardCharsets.UTF_8) + "=1";
            case COOKIE -> headers.add(Map.entry("Cookie", "c=" + value));
            case HEADER -> headers.add(Map.entry("X-Filename", value));
            case JSON -> {
                contentType = "application/json";
                body = value.getBytes(StandardCharsets.UTF_8);
            }
            case XML -> {
                contentType = "application/xml";
                body = ("<?xml version=\"1.0\"?><root><a probe=\"" + value + "\"></a></root>").getBytes(StandardCharsets.UTF_8);
            }
            case PATH -> path = value;
            case FILE -> {
                contentType = "multipart/form-data; boundary=XyZ";
                body = ("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + value + "\"\r\n\r\ndata\r\n--XyZ--\r\n")
                        .getBytes(StandardCharsets.UTF_8);
            }
        }
        RequestTargets t = RequestTargets.of(body == null ? "GET" : "POST", path, query, headers, contentType, body, json -> Set.of());
        return PL1.inspect(t, List.of()).matches().stream().map(Inspector.Match::rule).toList();
    }

    static Set<Integer> families(List<Integer> rules) {
        return Set.copyOf(rules.stream().map(r -> r / 1000).toList());
    }
}
