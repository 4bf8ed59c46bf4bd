package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proof-of-work challenge through the gateway over loopback, solved in Java the way the page's script solves it:
 * page → challenge → counter → the answer cookie → the pass cookie; a wrong answer, a replayed one, one carried to
 * another address; the page's script allowed by the page's own CSP hash; a pass cookie good on another node that
 * shares the master key.
 */
class PowChallengeGatewayTest {
    static final String ROUTES = """
              - id: challenged
                match: { methods: [GET, POST], path: /page/* }
                upstream: app
                public: true
                bots: { mode: challenge }
            """;
    private static final Pattern CHALLENGE = Pattern.compile("data-challenge=\"([^\"]+)\" data-bits=\"(\\d+)\"");

    private TestGateway gw;
    private TestGateway other;

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
        if (other != null) other.close();
    }

    private String line(TestGateway g, HttpResponse<?> r) throws InterruptedException {
        return g.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
    }

    /** The page's challenge and difficulty. */
    private static String[] challenge(HttpResponse<String> page) {
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.headers().firstValue("X-Bastion-Challenge")).hasValue("pow");
        Matcher m = CHALLENGE.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return new String[] {m.group(1), m.group(2)};
    }

    private HttpResponse<String> fetch(HttpClient client, TestGateway g, String path, String answer) throws Exception {
        HttpRequest.Builder b = g.request(path).header("Accept", "text/html");
        if (answer != null) b.header("Cookie", "__bastion_pow=" + answer);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRoundTripInTheJdkClientPageSolveCookiePass() throws Exception {
        gw = TestGateway.start("bots: { pow_difficulty: 12 }\n" + TestGateway.config(ROUTES));
        CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(jar).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = browser.send(gw.request("/page/a?x=1").header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        String[] c = challenge(page);
        assertThat(c[1]).isEqualTo("12");
        assertThat(page.headers().firstValue("Set-Cookie")).as("no pass cookie before the work is done").isEmpty();
        assertThat(page.body()).contains("<noscript>");
        assertThat(line(gw, page)).contains("\"action\":\"challenge\"");
        assertThat(gw.upstream.seen()).isEmpty();

        // what the script does: solve, leave the answer in a cookie, reload
        HttpCookie answer = new HttpCookie("__bastion_pow", ProofOfWorkTest.solve(c[0], 12));
        answer.setPath("/");
        answer.setVersion(0);
        jar.getCookieStore().add(gw.uri("/"), answer);
        HttpResponse<String> reloaded = browser.send(gw.request("/page/a?x=1").header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reloaded.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/page/a?x=1");
        assertThat(line(gw, reloaded)).contains("\"action\":\"solved\"");
        assertThat(reloaded.headers().allValues("Set-Cookie")).anyMatch(v -> v.startsWith("__bastion_bot=v1.") && v.contains("HttpOnly"))
                .anyMatch(v -> v.startsWith("__bastion_pow=;") && v.contains("Max-Age=0"));
        assertThat(jar.getCookieStore().getCookies()).extracting(HttpCookie::getName).contains("__bastion_bot");
        jar.getCookieStore().remove(gw.uri("/"), answer); // as a browser does on Max-Age=0 (the JDK's jar misses it: another domain key)

        // from now on the pass cookie lets any request through, HTML or not
        HttpResponse<String> api = browser.send(gw.request("/page/b").header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(line(gw, api)).contains("\"action\":\"pass\"");
    }

    @Test
    void theScriptRunsUnderThePagesOwnStrictCsp() throws Exception {
        gw = TestGateway.start("bots: {}\n" + TestGateway.config(ROUTES));
        HttpResponse<String> page = gw.send(gw.request("/page/a").header("Accept", "text/html").build());
        assertThat(challenge(page)[1]).as("the default difficulty").isEqualTo("16");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).startsWith("default-src 'none'; script-src 'sha256-").doesNotContain("unsafe-inline");
        Matcher script = Pattern.compile("<script>(.*)</script>", Pattern.DOTALL).matcher(page.body());
        assertThat(script.find()).isTrue();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(csp).contains("'sha256-" + hash + "'");
    }

    @Test
    void withoutAnyKeyEachNodeMakesItsOwnAndSaysSoOnce() throws Exception {
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            gw = TestGateway.start("bots: { pow_difficulty: 8 }\n" + TestGateway.config(ROUTES));
            other = TestGateway.start("bots: { pow_difficulty: 8 }\n" + TestGateway.config(ROUTES));
            assertThat(logs.lines().stream().filter(l -> l.contains("good on this node only"))).hasSize(2); // once per gateway
        }
        HttpClient client = HttpClient.newHttpClient();
        String answer = ProofOfWorkTest.solve(challenge(fetch(client, gw, "/page/a", null))[0], 8);
        assertThat(fetch(client, other, "/page/a", answer).statusCode()).as("another node's key").isEqualTo(403);
    }

    @Test
    void aWrongAnswerIsChallengedAgainAndSaysWhy() throws Exception {
        gw = TestGateway.start("bots: { pow_difficulty: 12 }\n" + TestGateway.config(ROUTES));
        HttpClient client = HttpClient.newHttpClient();
        String[] c = challenge(fetch(client, gw, "/page/a", null));
        HttpResponse<String> wrong = fetch(client, gw, "/page/a", ProofOfWorkTest.wrong(c[0], 12));
        challenge(wrong);
        assertThat(line(gw, wrong)).contains("\"action\":\"challenge\"").contains("\"answer\":\"unsolved\"");
        HttpResponse<String> madeUp = fetch(client, gw, "/page/a", "p1.AAAAAAAAAAAAAAAAAAAAAA.8.9999999999.AAAA.1");
        assertThat(line(gw, madeUp)).contains("\"answer\":\"forged\"");
        assertThat(gw.upstream.seen()).isEmpty();
    }

    @Test
    void aReplayedAnswerPassesOnlyOnce() throws Exception {
        gw = TestGateway.start("bots: { pow_difficulty: 12 }\n" + TestGateway.config(ROUTES));
        HttpClient client = HttpClient.newHttpClient(); // no cookie jar: the pass cookie is not sent back
        String answer = ProofOfWorkTest.solve(challenge(fetch(client, gw, "/page/a", null))[0], 12);
        assertThat(fetch(client, gw, "/page/a", answer).statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = fetch(client, gw, "/page/a", answer);
        challenge(replayed);
        assertThat(line(gw, replayed)).contains("\"answer\":\"replayed\"");
        assertThat(gw.upstream.seen()).hasSize(1);
    }

    @Test
    void anAnswerCarriedToAnotherAddressFails() throws Exception {
        gw = TestGateway.start("bots: { pow_difficulty: 12 }\n" + TestGateway.config(ROUTES));
        String answer = ProofOfWorkTest.solve(challenge(fetch(HttpClient.newHttpClient(), gw, "/page/a", null))[0], 12);
        // 127.0.0.2 is another client to the gateway
        HttpClient elsewhere = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
        HttpResponse<String> moved = fetch(elsewhere, gw, "/page/a", answer);
        challenge(moved);
        assertThat(line(gw, moved)).contains("\"answer\":\"forged\"");
        // the solver itself still can: nothing was used up
        assertThat(fetch(HttpClient.newHttpClient(), gw, "/page/a", answer).statusCode()).isEqualTo(200);
    }

    @Test
    void withASharedMasterKeyAPassCookieFromOneNodePassesOnAnother() throws Exception {
        String master = dev.bastion.tokens.MasterKey.generateKeysetJson();
        Map<String, String> env = Map.of("MASTER", master);
        String config = "tokens: { master_key: env:MASTER }\nbots: { pow_difficulty: 8 }\n" + TestGateway.config(ROUTES);
        try (dev.bastion.testing.LogCapture logs = dev.bastion.testing.LogCapture.capture()) {
            gw = TestGateway.start(config, 1, env);
            other = TestGateway.start(config, 1, env);
            assertThat(logs.all()).contains("derived from tokens.master_key").doesNotContain("good on this node only").doesNotContain(master);
        }
        HttpClient client = HttpClient.newHttpClient();
        String answer = ProofOfWorkTest.solve(challenge(fetch(client, gw, "/page/a", null))[0], 8);
        HttpResponse<String> solved = fetch(client, gw, "/page/a", answer);
        String pass = solved.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith("__bastion_bot=")).findFirst().orElseThrow();
        String token = pass.substring("__bastion_bot=".length(), pass.indexOf(';'));
        HttpResponse<String> there = client.send(other.request("/page/a").header("Accept", "text/html").header("Cookie", "__bastion_bot=" + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(there.statusCode()).isEqualTo(200);
        assertThat(line(other, there)).contains("\"action\":\"pass\"");
    }
}
