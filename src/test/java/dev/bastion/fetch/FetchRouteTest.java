package dev.bastion.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fetch route (link previews) through a real gateway and a real target on loopback: the caller names the
 * URL, so every hop is held to the route's lists and to an egress policy that trusts no configured host.
 * Loopback is opened to the routes with {@code allow_private: [127.0.0.0/8]} so they can reach the target;
 * everything else that is not public — metadata, RFC 1918, the configured upstream on a route without that
 * range — is refused, in every spelling, and the target counts the requests it saw to prove it.
 */
class FetchRouteTest {
    private static Vertx targetVertx;
    private static HttpServer target;
    private static int port;
    private static final AtomicInteger hits = new AtomicInteger();
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        targetVertx = Vertx.vertx();
        target = targetVertx.createHttpServer().requestHandler(req -> {
            hits.incrementAndGet();
            var resp = req.response();
            switch (req.path()) {
                case "/page" -> resp.putHeader("Content-Type", "text/html; charset=utf-8").end("<title>Hello " + req.getHeader("Host") + "</title>");
                case "/query" -> resp.putHeader("Content-Type", "text/plain").end("q=" + req.query());
                case "/big" -> resp.putHeader("Content-Type", "text/html").end("x".repeat(3000));
                case "/big-chunked" -> {
                    resp.setChunked(true).putHeader("Content-Type", "text/html");
                    for (int i = 0; i < 30; i++) resp.write("y".repeat(100));
                    resp.end();
                }
                case "/pdf" -> resp.putHeader("Content-Type", "application/pdf").end("%PDF-1.7");
                case "/image" -> resp.putHeader("Content-Type", "image/png").end(Buffer.buffer(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
                case "/missing" -> resp.setStatusCode(404).putHeader("Content-Type", "text/html").end("gone");
                case "/slow" -> { } // never answers
                case "/to-page" -> resp.setStatusCode(302).putHeader("Location", "/page").end();
                case "/to-metadata" -> resp.setStatusCode(302).putHeader("Location", "http://169.254.169.254/latest/meta-data/").end();
                case "/to-metadata-hex" -> resp.setStatusCode(301).putHeader("Location", "http://0xa9fea9fe/").end();
                case "/to-private" -> resp.setStatusCode(307).putHeader("Location", "http://10.0.0.1:" + port + "/page").end();
                case "/to-denied-domain" -> resp.setStatusCode(302).putHeader("Location", "http://other.example.test:" + port + "/page").end();
                case "/to-file" -> resp.setStatusCode(302).putHeader("Location", "file:///etc/passwd").end();
                case "/loop" -> resp.setStatusCode(302).putHeader("Location", "/loop").end();
                default -> resp.setStatusCode(500).end();
            }
        });
        target.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        port = target.actualPort();
        // Names the test controls: they all resolve to the target on 127.0.0.1.
        VertxOptions options = new VertxOptions().setPreferNativeTransport(true).setAddressResolverOptions(new AddressResolverOptions()
                .setHostsValue(Buffer.buffer("127.0.0.1 localhost docs.example.test other.example.test example.test\n")));
        String routes = """
                  - id: fetch
                    match: { methods: [GET, POST], path: /v1/fetch }
                    auth: { methods: [api_key] }
                    waf: { enabled: false }
                    fetch:
                      schemes: [http]
                      ports: [PORT, 80]
                      max_bytes: 1KiB
                      timeout: 1s
                      max_redirects: 2
                      allow_private: [127.0.0.0/8]
                      deny_domains: [other.example.test]
                  - id: fetch-listed
                    match: { methods: [GET], path: /v1/fetch-listed }
                    auth: { methods: [api_key] }
                    waf: { enabled: false }
                    fetch:
                      schemes: [http]
                      ports: [PORT]
                      domains: ["*.example.test"]
                      content_types: [image/*]
                      allow_private: [127.0.0.0/8]
                  - id: fetch-waf
                    match: { methods: [GET, POST], path: /v1/fetch-waf }
                    auth: { methods: [api_key] }
                    fetch: { schemes: [http], ports: [PORT], allow_private: [127.0.0.0/8] }
                  - id: fetch-public
                    match: { methods: [GET], path: /v1/fetch-public }
                    auth: { methods: [api_key] }
                    waf: { enabled: false }
                    fetch: { schemes: [http, https], ports: [80, 443, PORT] }
                """.replace("PORT", String.valueOf(port));
        // An upstream the config trusts at the target's own loopback address: trusted for forwarding, not for fetches.
        String config = TestGateway.config(routes).replace("upstreams:\n", "upstreams:\n  internal: { url: \"http://127.0.0.1:" + port + "\" }\n");
        gw = TestGateway.start(config, 1, Map.of(), options);
        key = gw.createKey("org_a", "fetch");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) gw.close();
        targetVertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> fetch(String route, String url) throws Exception {
        return gw.get(route + "?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8), key);
    }

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    private String at(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void fetchesAPageWithItsTypeAndHardeningHeaders() throws Exception {
        HttpResponse<String> r = fetch("/v1/fetch", at("/page"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("<title>Hello 127.0.0.1:" + port + "</title>");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox");
        assertThat(r.headers().firstValue("X-Bastion-Fetched-Url")).hasValue(at("/page"));
        assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void theWafLetsTheUrlArgumentThroughButStillInspectsTheRest() throws Exception {
        assertThat(fetch("/v1/fetch-waf", at("/page")).statusCode()).isEqualTo(200);
        assertThat(gw.postJson("/v1/fetch-waf", key, new JsonObject().put("url", at("/page?x=../../etc/passwd")).encode()).statusCode()).isEqualTo(200);
        HttpResponse<String> attack = gw.get("/v1/fetch-waf?url=" + URLEncoder.encode(at("/page"), StandardCharsets.UTF_8)
                + "&q=" + URLEncoder.encode("1' UNION SELECT password FROM users--", StandardCharsets.UTF_8), key);
        assertThat(attack.statusCode()).isEqualTo(403);
    }

    @Test
    void postTakesTheUrlFromJsonAndKeepsTheQuery() throws Exception {
        HttpResponse<String> r = gw.postJson("/v1/fetch", key, new JsonObject().put("url", at("/query?a=1&b=%20x")).encode());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("q=a=1&b=%20x");
    }

    @Test
    void aCallerWithoutAKeyIsRefusedBeforeAnyFetch() throws Exception {
        int before = hits.get();
        HttpResponse<String> r = gw.get("/v1/fetch?url=" + URLEncoder.encode(at("/page"), StandardCharsets.UTF_8), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(hits.get()).isEqualTo(before);
    }

    @Test
    void followsARedirectAndChecksItsTarget() throws Exception {
        assertThat(fetch("/v1/fetch", at("/to-page")).body()).startsWith("<title>Hello");
        int before = hits.get();
        for (String hop : List.of("/to-metadata", "/to-metadata-hex", "/to-private")) {
            HttpResponse<String> r = fetch("/v1/fetch", at(hop));
            assertThat(r.statusCode()).as(hop).isEqualTo(403);
            assertThat(code(r)).as(hop).isEqualTo("egress_denied");
            assertThat(r.body()).doesNotContain("169.254").doesNotContain("10.0.0.1");
        }
        assertThat(hits.get() - before).as("only the redirects themselves reached the target").isEqualTo(3);
        assertThat(code(fetch("/v1/fetch", at("/to-denied-domain")))).isEqualTo("fetch_domain_not_allowed");
        assertThat(code(fetch("/v1/fetch", at("/to-file")))).isEqualTo("fetch_scheme_not_allowed");
        HttpResponse<String> loop = fetch("/v1/fetch", at("/loop"));
        assertThat(loop.statusCode()).isEqualTo(502);
        assertThat(code(loop)).isEqualTo("fetch_too_many_redirects");
    }

    @Test
    void refusesMetadataAndPrivateAddressesInEverySpellingWithoutConnecting() throws Exception {
        int before = hits.get();
        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://2852039166/", "http://0xa9.0xfe.0xa9.0xfe/",
                "http://0251.0376.0251.0376/", "http://169.254.43518/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/",
                "http://[::169.254.169.254]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::1]/", "http://10.0.0.1/",
                "http://0x0a.1/", "http://192.168.1.1/", "http://[fd00::1]/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::]/",
                "http://[fd00:ec2::254]/", "http://100.100.100.200/")) {
            HttpResponse<String> r = fetch("/v1/fetch-public", url);
            assertThat(r.statusCode()).as(url).isEqualTo(403);
            assertThat(code(r)).as(url).isEqualTo("egress_denied");
        }
        assertThat(hits.get()).isEqualTo(before);
    }

    @Test
    void theConfiguredUpstreamsPrivateAddressIsNotOpenToAFetch() throws Exception {
        // The route without allow_private: upstreams.internal names 127.0.0.1:PORT, which is still loopback to a fetch.
        int before = hits.get();
        HttpResponse<String> r = fetch("/v1/fetch-public", at("/page"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("egress_denied");
        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("loopback");
        assertThat(hits.get()).isEqualTo(before);
    }

    @Test
    void refusesSchemesPortsAndDomainsOffTheLists() throws Exception {
        assertThat(code(fetch("/v1/fetch", "ftp://127.0.0.1/"))).isEqualTo("fetch_scheme_not_allowed");
        assertThat(code(fetch("/v1/fetch", "file:///etc/passwd"))).isEqualTo("fetch_scheme_not_allowed");
        assertThat(code(fetch("/v1/fetch", "gopher://127.0.0.1:6379/_INFO"))).isEqualTo("fetch_scheme_not_allowed");
        assertThat(code(fetch("/v1/fetch", "http://127.0.0.1:6379/"))).isEqualTo("fetch_port_not_allowed");
        assertThat(code(fetch("/v1/fetch", "http://OTHER.example.test.:" + port + "/page"))).isEqualTo("fetch_domain_not_allowed");
        assertThat(code(fetch("/v1/fetch-listed", at("/image")))).isEqualTo("fetch_domain_not_allowed"); // an IP is no listed name
        assertThat(code(fetch("/v1/fetch-listed", "http://example.test:" + port + "/image"))).isEqualTo("fetch_domain_not_allowed"); // *. is subdomains only
        HttpResponse<String> ok = fetch("/v1/fetch-listed", "http://DOCS.example.test:" + port + "/image");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/png");
    }

    @Test
    void refusesParserDifferentialsAndCredentials() throws Exception {
        for (String url : List.of("http://127.0.0.1:" + port + "\\@example.test/page", "http://user:pw@127.0.0.1:" + port + "/page",
                "http://example.test:" + port + "@127.0.0.1:" + port + "/page", "not a url", "/relative", "http://[::1/")) {
            HttpResponse<String> r = fetch("/v1/fetch", url);
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            assertThat(code(r)).as(url).isEqualTo("invalid_url");
        }
        assertThat(gw.postJson("/v1/fetch", key, "{\"url\": 5}").statusCode()).isEqualTo(400);
        assertThat(gw.postJson("/v1/fetch", key, "[1]").statusCode()).isEqualTo(400);
        assertThat(gw.get("/v1/fetch?url=a&url=b", key).statusCode()).isEqualTo(400);
    }

    @Test
    void capsTypeSizeStatusAndTime() throws Exception {
        HttpResponse<String> pdf = fetch("/v1/fetch", at("/pdf"));
        assertThat(pdf.statusCode()).isEqualTo(502);
        assertThat(code(pdf)).isEqualTo("fetch_content_type");
        assertThat(code(fetch("/v1/fetch-listed", "http://docs.example.test:" + port + "/page"))).isEqualTo("fetch_content_type");
        assertThat(code(fetch("/v1/fetch", at("/big")))).isEqualTo("fetch_too_large");
        assertThat(code(fetch("/v1/fetch", at("/big-chunked")))).isEqualTo("fetch_too_large");
        HttpResponse<String> missing = fetch("/v1/fetch", at("/missing"));
        assertThat(missing.statusCode()).isEqualTo(502);
        assertThat(code(missing)).isEqualTo("fetch_status");
        assertThat(missing.body()).doesNotContain("gone");
        HttpResponse<String> slow = fetch("/v1/fetch", at("/slow"));
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(code(slow)).isEqualTo("fetch_timeout");
    }

    @Test
    void auditsTheHostNeverThePathOrQuery() throws Exception {
        try (LogCapture logs = LogCapture.capture()) {
            fetch("/v1/fetch", at("/query?token=sig-5ecret-value-123"));
            fetch("/v1/fetch-public", "http://169.254.169.254/latest/meta-data/iam?token=sig-5ecret-value-123");
            dev.bastion.testing.Eventually.until("two fetch records", () -> logs.lines().stream().filter(l -> l.contains("egress_fetch")).count() >= 2);
            List<String> records = logs.lines().stream().filter(l -> l.contains("egress_fetch")).toList();
            assertThat(records).anySatisfy(l -> assertThat(l).contains("decision=allow").contains("host=127.0.0.1").contains("org=org_a"));
            assertThat(records).anySatisfy(l -> assertThat(l).contains("decision=deny").contains("egress_denied:metadata"));
            assertThat(logs.lines()).noneMatch(l -> l.contains("sig-5ecret-value-123") || l.contains("meta-data"));
        }
    }
}
