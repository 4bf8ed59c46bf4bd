package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import io.vertx.core.VertxOptions;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bot control through the whole gateway over loopback: real HTTP clients (the JDK's with a cookie jar, and curl),
 * a stub upstream, and a DNS server of the test's own that the gateway's resolver asks.
 */
class BotsGatewayTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String ROUTES = """
              - id: blocked
                match: { methods: [GET], path: /blocked/* }
                upstream: app
                public: true
                bots: { mode: block }
              - id: challenged
                match: { methods: [GET, POST], path: /page/* }
                upstream: app
                public: true
                bots: { mode: challenge }
              - id: flagged
                match: { methods: [GET], path: /flag/* }
                upstream: app
                public: true
                bots: { mode: flag }
              - id: api
                match: { methods: [GET], path: /api/* }
                upstream: app
                auth: { methods: [api_key] }
                bots: { mode: block }
              - id: machine
                match: { methods: [GET], path: /m/* }
                upstream: app
                auth: { methods: [bastion_token] }
                bots: { mode: block }
            """;

    private PtrDns dns;
    private TestGateway gw;

    private TestGateway start(String bots) throws Exception {
        dns = new PtrDns();
        gw = TestGateway.start(bots + "\n" + TestGateway.config(ROUTES), 1, Map.of(),
                new VertxOptions().setPreferNativeTransport(true).setAddressResolverOptions(dns.resolverOptions()));
        return gw;
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
        if (dns != null) dns.close();
    }

    /** What Chrome sends on a navigation: scores nothing. */
    private HttpRequest.Builder chrome(String path) {
        return gw.request(path).header("User-Agent", CHROME).header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .header("Accept-Language", "en-GB,en;q=0.9").header("Sec-CH-UA", "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\"")
                .header("Sec-CH-UA-Platform", "\"Windows\"").header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document");
    }

    private String line(HttpResponse<?> r) throws InterruptedException {
        return gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void blockRefusesAnHttpLibraryWithTheJsonErrorAndLetsABrowserThrough() throws Exception {
        start("bots: {}");
        HttpResponse<String> lib = gw.send(gw.request("/blocked/x").header("User-Agent", "python-requests/2.32.3").build());
        assertThat(lib.statusCode()).isEqualTo(403);
        assertThat(lib.body()).contains("\"code\":\"bot_blocked\"");
        String id = lib.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(lib.body()).contains(id);
        assertThat(gw.accessLine(id)).contains("\"bot\":{\"score\":60,\"signals\":[\"ua_automation\"],\"action\":\"block\"}")
                .doesNotContain("python-requests");
        assertThat(gw.upstream.seen()).isEmpty();

        HttpResponse<String> browser = gw.send(chrome("/blocked/x").build());
        assertThat(browser.statusCode()).isEqualTo(200);
        assertThat(line(browser)).doesNotContain("\"bot\"");
        // Chrome's user agent with none of what Chrome sends: a script in disguise
        HttpResponse<String> disguised = gw.send(gw.request("/blocked/x").header("User-Agent", CHROME).header("Accept", "text/html").build());
        assertThat(disguised.statusCode()).isEqualTo(403);
        assertThat(line(disguised)).contains("\"signals\":[\"accept_language_missing\",\"hints_missing\",\"fetch_metadata_missing\"]");
    }

    @Test
    void flagLetsTheRequestThroughAndPutsTheDecisionOnTheAccessLine() throws Exception {
        start("bots: {}");
        HttpResponse<String> r = gw.send(gw.request("/flag/x").header("User-Agent", "curl/8.5.0").build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(line(r)).contains("\"bot\":{\"score\":60,\"signals\":[\"ua_automation\"],\"action\":\"flag\"}");
    }

    @Test
    void challengeRoundTripInTheJdkClientWithACookieJar() throws Exception {
        start("bots: { challenge: cookie, challenge_ttl: 10m }");
        CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(jar).connectTimeout(Duration.ofSeconds(5)).build();
        // the JDK client's own user agent (Java-http-client) is automation: it is challenged
        HttpResponse<String> page = browser.send(gw.request("/page/a?x=1&y=2").header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("__bastion_bot=v1.").contains("HttpOnly").contains("Max-Age=600").contains("Expires=");
        assertThat(line(page)).contains("\"action\":\"challenge\"");
        assertThat(gw.upstream.seen()).isEmpty();
        Matcher refresh = Pattern.compile("content=\"0;url=([^\"]+)\"").matcher(page.body());
        assertThat(refresh.find()).isTrue();
        assertThat(refresh.group(1)).isEqualTo("/page/a?x=1&amp;y=2");

        // the page reloads: the cookie goes back, the request passes
        HttpResponse<String> reloaded = browser.send(gw.request(refresh.group(1).replace("&amp;", "&")).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reloaded.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/page/a?x=1&y=2");
        assertThat(line(reloaded)).contains("\"action\":\"pass\"");
        // with the cookie, a call that does not ask for HTML passes too
        HttpResponse<String> withCookie = browser.send(gw.request("/page/a").header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withCookie.statusCode()).as(withCookie.body() + line(withCookie)).isEqualTo(200);

        String token = cookie(jar);
        // the same cookie from another user agent: challenged again
        HttpResponse<String> moved = gw.send(gw.request("/page/a").header("Accept", "text/html").header("User-Agent", "python-requests/2.32.3")
                .header("Cookie", "__bastion_bot=" + token).build());
        assertThat(moved.statusCode()).isEqualTo(403);
        assertThat(line(moved)).contains("\"action\":\"challenge\"");
        // forged: a far expiry with a made-up MAC
        HttpResponse<String> forged = gw.send(gw.request("/page/a").header("Accept", "text/html")
                .header("Cookie", "__bastion_bot=v1.9999999999.AVeryMadeUpMacAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").build());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(line(forged)).contains("\"action\":\"challenge\"");
        // a client without the cookie that does not ask for HTML gets the JSON answer, not a page
        HttpResponse<String> api = gw.send(gw.request("/page/a").header("Accept", "application/json").build());
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(api.body()).contains("\"code\":\"bot_challenge_required\"");
        assertThat(api.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void challengeRoundTripWithCurlAndTheCookieMovedToAnotherAddress(@TempDir Path dir) throws Exception {
        start("bots: { challenge: cookie }");
        Path jar = dir.resolve("jar.txt");
        String url = gw.uri("/page/b").toString();
        assertThat(curl("-c", jar.toString(), "-H", "Accept: text/html", url)).isEqualTo("403");
        assertThat(Files.readString(jar)).contains("__bastion_bot");
        assertThat(curl("-b", jar.toString(), "-H", "Accept: text/html", url)).isEqualTo("200");
        // a cookie carried to another address (127.0.0.2 is another client to the gateway) is challenged again
        assertThat(curl("-b", jar.toString(), "--interface", "127.0.0.2", "-H", "Accept: text/html", url)).isEqualTo("403");
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    private static String cookie(CookieManager jar) {
        for (HttpCookie c : jar.getCookieStore().getCookies()) if (c.getName().equals("__bastion_bot")) return c.getValue();
        throw new AssertionError("no challenge cookie in the jar");
    }

    @Test
    void aSpoofedGooglebotIsBlockedAndARealOneIsLetThrough() throws Exception {
        start("bots: {}");
        // 127.0.0.1 has no PTR: a Googlebot user agent from it is spoofed
        HttpResponse<String> spoofed = gw.send(gw.request("/blocked/x").header("User-Agent", GOOGLEBOT).build());
        assertThat(spoofed.statusCode()).isEqualTo(403);
        assertThat(line(spoofed)).contains("bot_spoofed").contains("\"action\":\"block\"");
        assertThat(dns.queries("1.0.0.127.in-addr.arpa")).isPositive();
    }

    @Test
    void aGooglebotWhosePtrIsForgedIntoGooglesDomainIsBlocked() throws Exception {
        start("bots: {}");
        dns.ptr("127.0.0.1", "crawl-66-249-66-1.googlebot.com");
        dns.a("crawl-66-249-66-1.googlebot.com", "66.249.66.1"); // Google's zone points elsewhere
        HttpResponse<String> r = gw.send(gw.request("/blocked/x").header("User-Agent", GOOGLEBOT).build());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(line(r)).contains("bot_spoofed");
    }

    @Test
    void aVerifiedGooglebotIsLetThroughABlockRoute() throws Exception {
        start("bots: {}");
        dns.ptr("127.0.0.1", "crawl-127-0-0-1.googlebot.com");
        dns.a("crawl-127-0-0-1.googlebot.com", "127.0.0.1");
        HttpResponse<String> r = gw.send(gw.request("/blocked/x").header("User-Agent", GOOGLEBOT).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(line(r)).contains("\"bot\":{\"score\":0,\"signals\":[\"bot_verified\"],\"action\":\"verified\"}");
        // cached: a second visit asks no DNS
        int asked = dns.queries("1.0.0.127.in-addr.arpa");
        assertThat(gw.send(gw.request("/blocked/y").header("User-Agent", GOOGLEBOT).build()).statusCode()).isEqualTo(200);
        assertThat(dns.queries("1.0.0.127.in-addr.arpa")).isEqualTo(asked);
    }

    @Test
    void aMachineThatAuthenticatedWithAnApiKeyIsNeverScored() throws Exception {
        start("bots: {}");
        String key = gw.createKey("org_a", "invoke");
        HttpResponse<String> r = gw.send(gw.request("/api/x").header("User-Agent", "python-requests/2.32.3").header("Authorization", "Bearer " + key).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(line(r)).doesNotContain("\"bot\"");
        // the same client without its key is not let in at all (authentication comes first)
        assertThat(gw.send(gw.request("/api/x").header("User-Agent", "python-requests/2.32.3").build()).statusCode()).isEqualTo(401);
    }

    @Test
    void aMachineWithAClientCredentialsTokenIsNeverScored() throws Exception {
        start("bots: {}");
        var client = new dev.bastion.tokens.ClientService(gw.store, java.time.Clock.systemUTC()).create("org_a", java.util.Set.of("invoke"), "ci", null);
        // the token endpoint itself has no bot step: the JDK client's user agent gets its token
        HttpResponse<String> issued = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((client.client().id() + ":" + client.secret()).getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = new io.vertx.core.json.JsonObject(issued.body()).getString("access_token");
        HttpResponse<String> r = gw.send(gw.request("/m/x").header("User-Agent", "Go-http-client/1.1").header("Authorization", "Bearer " + token).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(line(r)).doesNotContain("\"bot\"");
    }

    @Test
    void aClientOverTheRateIsFlaggedWithRateHigh() throws Exception {
        start("bots: { rate_per_minute: 3 }");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = gw.send(chrome("/flag/x").build());
            assertThat(r.statusCode()).isEqualTo(200);
            lines.add(line(r));
        }
        assertThat(lines.subList(0, 3)).noneMatch(l -> l.contains("\"bot\""));
        // rate alone (30) is under the threshold: recorded, allowed
        assertThat(lines.get(4)).contains("\"bot\":{\"score\":30,\"signals\":[\"rate_high\"],\"action\":\"allow\"}");
    }

    @Test
    void aBrowsersFetchBeforeAnyPageLoadIsMissingItsNavigation() throws Exception {
        start("bots: {}");
        // what Chrome's fetch() sends from a page of this origin — but no page was loaded
        java.util.function.Supplier<HttpRequest> xhr = () -> gw.request("/flag/api").header("User-Agent", CHROME).header("Accept", "application/json")
                .header("Accept-Language", "en-GB").header("Sec-CH-UA", "\"Google Chrome\";v=\"131\"").header("Sec-CH-UA-Platform", "\"Windows\"")
                .header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Dest", "empty").header("Sec-Fetch-Site", "same-origin").build();
        HttpResponse<String> before = gw.send(xhr.get());
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(line(before)).contains("\"bot\":{\"score\":15,\"signals\":[\"navigation_missing\"],\"action\":\"allow\"}");
        assertThat(gw.send(chrome("/flag/page").build()).statusCode()).isEqualTo(200); // the page load
        assertThat(line(gw.send(xhr.get()))).doesNotContain("\"bot\"");
    }

    @Test
    void withRedisTheRateCountsAcrossNodes() throws Exception {
        // the count is per minute: start early in one, so all five requests fall in it
        while (System.currentTimeMillis() % 60_000 > 45_000) Thread.sleep(500);
        try (dev.bastion.testing.RedisProcess redis = dev.bastion.testing.RedisProcess.start(false)) {
            String config = "redis: { url: \"%s\" }\nbots: { rate_per_minute: 3 }\n".formatted(redis.url()) + TestGateway.config(ROUTES);
            try (TestGateway a = TestGateway.start(config); TestGateway b = TestGateway.start(config)) {
                gw = a;
                assertThat(line(a.send(chrome("/flag/x").build()))).doesNotContain("\"bot\"");
                assertThat(line(a.send(chrome("/flag/x").build()))).doesNotContain("\"bot\"");
                gw = b;
                assertThat(line(b.send(chrome("/flag/x").build()))).as("the third of this minute, on another node").doesNotContain("\"bot\"");
                assertThat(line(b.send(chrome("/flag/x").build()))).as("the fourth: over, though node b saw two")
                        .contains("\"signals\":[\"rate_high\"]");
                // Redis gone: a signal never refuses; the node counts alone, from nothing, and says so
                try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
                    redis.kill();
                    HttpResponse<String> alone = b.send(chrome("/flag/x").build());
                    assertThat(alone.statusCode()).isEqualTo(200);
                    assertThat(line(alone)).doesNotContain("\"bot\"");
                    assertThat(logs.all()).contains("rate_high counts on this node only");
                }
            } finally {
                gw = null;
            }
        }
    }

    @Test
    void metricsCountDecisionsByAction() throws Exception {
        start("bots: {}");
        gw.send(gw.request("/blocked/x").header("User-Agent", "curl/8.5.0").build());
        HttpResponse<String> metrics = gw.send(HttpRequest.newBuilder(URI.create(gw.adminUri("/metrics").toString())).build());
        assertThat(metrics.body()).containsPattern("bastion_bot_decisions_total\\{action=\"block\",route=\"blocked\"} 1\\.0");
    }

    @Test
    void repeatedBotBlocksFromOneAddressTriggerAnAutomaticBan() throws Exception {
        start("""
                bots: {}
                responses:
                  rules:
                    - { id: bot-farm, on: bot.block, by: ip, count: 3, within: 10m, action: block_ip, for: 15m }
                """);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = gw.send(gw.request("/blocked/x").header("User-Agent", "python-requests/2.32.3").build());
            assertThat(r.body()).contains("\"code\":\"bot_blocked\"");
        }
        // now even a real browser from that address is refused at the edge: the ban, not the bot step
        dev.bastion.testing.Eventually.until("the address is banned", () -> gw.send(chrome("/blocked/x").build()).statusCode() == 403);
        HttpResponse<String> banned = gw.send(chrome("/flag/x").build());
        assertThat(banned.body()).contains("\"code\":\"ip_blocked\"");
        assertThat(gw.store.responses().active(java.time.Instant.now())).extracting(dev.bastion.store.ResponseAction::subject).containsExactly("127.0.0.1");
    }

    @Test
    void challengesAreNotCountedAsBlocks() throws Exception {
        start("""
                bots: {}
                responses:
                  rules:
                    - { id: bot-farm, on: bot.block, by: ip, count: 2, within: 10m, action: block_ip, for: 15m }
                """);
        for (int i = 0; i < 4; i++) {
            assertThat(gw.send(gw.request("/page/x").header("Accept", "application/json").build()).body()).contains("bot_challenge_required");
        }
        Thread.sleep(300); // an action, had there been one, is taken on a worker
        assertThat(gw.send(chrome("/flag/x").build()).statusCode()).isEqualTo(200);
        assertThat(gw.store.responses().active(java.time.Instant.now())).isEmpty();
    }
}
