package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.ConsoleBrowser;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.OidcProvider;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's pages in a real browser, over one gateway holding real traffic it generated through the public
 * listener (allowed, refused by authentication, the WAF and a limit; LLM calls through the mock model, so usage and
 * budgets exist), flushed to the history as the telemetry tests do. An operator (bootstrap link) sees the overview's
 * charts and the tiles the API answers, creates a key whose secret is shown once, uses it, revokes it and watches the
 * gateway refuse it; an org admin (IdP login) sees their org only and no operator action; a page of another origin
 * cannot revoke a key; a key name holding markup is shown as text. Screenshots of every page.
 */
class ConsolePagesBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String XSS = "<img src=x onerror=window.__pwned=1>";
    static final String ROUTES = """
              - { id: api, match: { methods: [GET], path: /api/* }, upstream: app, auth: { methods: [api_key] } }
              - { id: limited, match: { methods: [GET], path: /limited/* }, upstream: app, auth: { methods: [api_key] }, limits: [{ per: api_key, rate: 1/1m }] }
              - { id: chat, match: { methods: [POST], path: /v1/chat/completions }, upstream: llm, auth: { methods: [api_key] }, llm: chat, guard: "off" }
              - { id: routed, match: { methods: [POST], path: /m/v1/chat/completions }, strip_prefix: /m, auth: { methods: [api_key] }, llm: chat, guard: "off" }
            models:
              gpt-4o: { deployments: [{ upstream: llm, model: mock-gpt-small }] }
            budgets:
              prices: { mock-gpt-small: { input: 2.5, output: 10 }, gpt-4o: { input: 2.5, output: 10 } }
              rules:
                - { id: daily-tokens, per: org, period: day, tokens: 5000 }
            waf:
              rules: { mode: block }
            limits:
              tiers:
                free: [{ rate: 60/1m, name: per-minute }]
                pro: [{ rate: 600/1m, burst: 100 }]
            """ + ConsoleOidcLoginTest.CONSOLE;

    static Vertx sideVertx;
    static MockLlmServer mock;
    static OidcProvider idp;
    static TestGateway gw;
    static ConsoleBrowser browser;
    static String console, operatorKey, acmeKey, globexKey, globexKeyId;

    @BeforeAll
    static void start() throws Exception {
        ConsoleBrowser.require();
        sideVertx = Vertx.vertx();
        mock = new MockLlmServer(sideVertx, "127.0.0.1", 0, null, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        idp = new OidcProvider(sideVertx);
        String llm = "upstreams:\n  llm: { url: \"http://127.0.0.1:" + mock.port() + "\", kind: ai }\n";
        gw = TestGateway.start(TestGateway.config(ROUTES.replace("IDP", idp.issuer())).replace("upstreams:\n", llm), 1,
                Map.of("CONSOLE_SECRET", OidcProvider.CLIENT_SECRET, "PROVIDER_KEY", TestGateway.PROVIDER_KEY));
        gw.upstream.behave(req -> req.response().end("ok"));
        for (String org : List.of("ops", "acme", "globex")) gw.store.orgs().ensure(org);
        console = "http://127.0.0.1:" + gw.gateway.adminPort();
        operatorKey = gw.createKey("ops", "admin", "operator");
        acmeKey = gw.createKey("acme", "invoke");
        var globex = gw.createKeyRecord("globex", "invoke");
        globexKey = globex.plaintext();
        globexKeyId = gw.store.apiKeys().findByHash(dev.bastion.authn.ApiKeys.hash(globexKey)).orElseThrow().id();
        JsonNode xss = JSON.readTree(admin("POST", "/admin/v1/keys", "{\"org\":\"acme\",\"name\":\"" + XSS + "\",\"scopes\":[\"invoke\"]}").body());
        assertThat(xss.path("key").path("name").asText()).isEqualTo(XSS);
        traffic();
        browser = ConsoleBrowser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.close();
        if (gw != null) gw.close();
        if (idp != null) idp.close();
        sideVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Allowed, unauthenticated, WAF-refused and over-limit requests, and LLM calls for two orgs; then the flush. */
    static void traffic() throws Exception {
        for (int i = 0; i < 4; i++) assertThat(gw.get("/api/items?page=" + i, acmeKey).statusCode()).isEqualTo(200);
        assertThat(gw.get("/api/items", globexKey).statusCode()).isEqualTo(200);
        assertThat(gw.get("/api/items?q=" + URLEncoder.encode("1 UNION/**/SELECT password FROM users", StandardCharsets.UTF_8), acmeKey).statusCode()).isEqualTo(403);
        assertThat(gw.get("/api/items?q=" + URLEncoder.encode("<script>alert(1)</script>", StandardCharsets.UTF_8), acmeKey).statusCode()).isEqualTo(403);
        assertThat(gw.get("/api/items", null).statusCode()).isEqualTo(401);
        assertThat(gw.get("/limited/a", globexKey).statusCode()).isEqualTo(200);
        assertThat(gw.get("/limited/a", globexKey).statusCode()).isEqualTo(429);
        String body = "{\"model\":\"mock-gpt-small\",\"max_tokens\":30,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the weather\"}]}";
        for (String key : List.of(acmeKey, acmeKey, globexKey, "routed")) {
            // the last through the model catalogue, so a deployment (and its breaker) has figures
            HttpResponse<String> r = key.equals("routed")
                    ? gw.postJson("/m/v1/chat/completions", acmeKey, body.replace("mock-gpt-small", "gpt-4o"))
                    : gw.postJson("/v1/chat/completions", key, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            gw.accessLine(r.headers().firstValue("X-Request-Id").orElseThrow());
        }
        Thread.sleep(50); // the record step runs just after the last byte
        gw.gateway.flushStats();
    }

    static HttpResponse<String> admin(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).header("Authorization", "Bearer " + operatorKey);
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return gw.send(b.build());
    }

    static JsonNode adminJson(String path) throws Exception {
        HttpResponse<String> r = admin("GET", path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private void loginAsOperator() {
        browser.driver.manage().deleteAllCookies();
        Bootstrap.Link link = Bootstrap.create(gw.store.console(), "ops", Instant.now(), Duration.ofMinutes(15));
        browser.driver.get(console + "/console/bootstrap#" + link.token());
        browser.waiting().until(ExpectedConditions.urlToBe(console + "/console/overview.html"));
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "operator"));
    }

    private void loginAsAcmeAdmin() {
        browser.driver.get(console + "/console/"); // the cookies of the console's origin are the ones to clear
        browser.driver.manage().deleteAllCookies();
        idp.user = Map.of("sub", "bob", "groups", List.of("org-admins"), "org_id", "acme");
        browser.driver.get(console + "/console/");
        browser.waiting().until(ExpectedConditions.elementToBeClickable(By.id("idp"))).click();
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "admin of acme"));
    }

    private void open(String page, By ready) {
        browser.driver.get(console + "/console/" + page);
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(ready));
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser.driver).executeScript(script);
    }

    @Test
    void theOverviewDrawsTheTrafficAndTheTilesShowWhatTheApiAnswersAndEveryPageRenders() throws Exception {
        loginAsOperator();
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#requests-chart canvas")));
        Instant now = Instant.now();
        JsonNode summary = adminJson("/admin/v1/stats/summary?from=" + now.minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                + "&to=" + now.plusSeconds(60).truncatedTo(ChronoUnit.SECONDS));
        assertThat(summary.path("requests").asLong()).as("the traffic was flushed").isGreaterThanOrEqualTo(12);
        assertThat(browser.driver.findElement(By.id("tile-requests")).getText()).isEqualTo(summary.path("requests").asText());
        assertThat(browser.driver.findElement(By.id("tile-refusal-rate")).getText())
                .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f%%", summary.path("refusal_rate").asDouble() * 100));
        assertThat(browser.driver.findElement(By.cssSelector("#requests-chart .u-legend")).getText()).contains("requests", "errors (5xx)");
        assertThat(browser.driver.findElement(By.cssSelector("#refusals-chart .u-legend")).getText()).contains("waf");
        assertThat(browser.driver.findElements(By.cssSelector("#latency-chart canvas"))).hasSize(1);
        assertThat(js("return document.querySelectorAll('#requests-chart canvas')[0].width > 0")).isEqualTo(true);
        browser.screenshot("overview");

        new Select(browser.driver.findElement(By.id("range"))).selectByValue("24h");
        Eventually.until("the range is in the URL", () -> browser.driver.getCurrentUrl().endsWith("?range=24h"));
        browser.driver.navigate().refresh();
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#requests-chart canvas")));
        assertThat(browser.driver.findElement(By.id("error")).isDisplayed()).as("no error").isFalse();
        assertThat(new Select(browser.driver.findElement(By.id("range"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("24h");

        open("usage.html", By.cssSelector("#tokens-chart canvas"));
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#budget-0 canvas")));
        assertThat(browser.driver.findElement(By.id("usage-table")).getText()).contains("mock-gpt-small");
        assertThat(browser.driver.findElement(By.id("budget-0")).getText()).contains("daily-tokens");
        browser.screenshot("usage");

        open("keys.html", By.cssSelector("#key-list tbody tr"));
        assertThat(new Select(browser.driver.findElement(By.id("new-key-org"))).getFirstSelectedOption().getText()).isNotBlank();
        browser.screenshot("keys");
        open("orgs.html", By.cssSelector("#org-list tbody tr"));
        assertThat(browser.driver.findElement(By.id("tier-list")).getText()).contains("free", "60/1m", "pro");
        browser.screenshot("orgs");
        open("security.html", By.id("waf-bars"));
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#events tbody tr")));
        assertThat(browser.driver.findElement(By.id("waf-bars")).getText()).doesNotContain("UNION", "script");
        browser.screenshot("security");
        open("upstreams.html", By.cssSelector("#upstream-list tr.deployment, #upstream-list tr.upstream"));
        assertThat(browser.driver.findElement(By.id("upstream-list")).getText()).contains("llm", "app");
        assertThat(browser.driver.findElement(By.cssSelector("#upstream-list tr.deployment")).getText()).contains("llm/", "closed");
        browser.screenshot("upstreams");
        open("posture.html", By.id("findings"));
        List<WebElement> severities = browser.driver.findElements(By.cssSelector("#findings tbody tr td:first-child"));
        assertThat(severities).isNotEmpty();
        List<String> order = severities.stream().map(e -> e.getText().toLowerCase(java.util.Locale.ROOT)).toList();
        assertThat(order).as("failures first").isSortedAccordingTo(java.util.Comparator.comparingInt(s -> List.of("fail", "warn", "info").indexOf(s)));
        browser.screenshot("posture");
    }

    @Test
    void aKeyIsCreatedWithItsSecretShownOnceUsedRevokedInTheConsoleAndThenRefused() throws Exception {
        loginAsOperator();
        open("keys.html", By.id("create-key-button"));
        new Select(browser.driver.findElement(By.id("new-key-org"))).selectByValue("acme");
        browser.driver.findElement(By.id("new-key-name")).sendKeys("made in the console");
        browser.driver.findElement(By.id("create-key-button")).click();
        WebElement field = browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("new-secret")));
        String secret = field.getAttribute("value");
        assertThat(secret).startsWith("bst_");
        assertThat(browser.driver.findElement(By.id("secret")).getText()).contains("You will not see it again");
        browser.screenshot("key-created");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(secret);
        assertThat(js("return JSON.stringify(Object.assign({}, localStorage)) + JSON.stringify(Object.assign({}, sessionStorage))").toString()).doesNotContain(secret);

        assertThat(gw.get("/api/items", secret).statusCode()).as("the new key works").isEqualTo(200);

        browser.driver.navigate().refresh();
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#key-list tbody tr")));
        assertThat(browser.driver.findElements(By.id("new-secret"))).as("gone after a reload").isEmpty();
        assertThat(browser.driver.getPageSource()).doesNotContain(secret);

        String id = gw.store.apiKeys().findByHash(dev.bastion.authn.ApiKeys.hash(secret)).orElseThrow().id();
        new Select(browser.driver.findElement(By.id("key-org"))).selectByValue("acme");
        WebElement row = browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#key-list tr[data-id='" + id + "']")));
        assertThat(browser.driver.getCurrentUrl()).endsWith("?org=acme");
        row.findElement(By.cssSelector("button.danger")).click();
        browser.waiting().until(ExpectedConditions.alertIsPresent()).accept();
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#key-list tr[data-id='" + id + "']"), "revoked"));
        Eventually.until("the gateway refuses the revoked key", () -> gw.get("/api/items", secret).statusCode() == 401);
    }

    @Test
    void anOrgAdminSeesTheirOrgOnlyAndNoOperatorActionAndAnotherOrgsKeyIsNotFound() throws Exception {
        loginAsAcmeAdmin();
        List<String> nav = browser.driver.findElements(By.cssSelector("nav.side a")).stream().map(WebElement::getText).toList();
        assertThat(nav).contains("Overview", "Keys & clients").doesNotContain("Upstreams", "Posture", "Incidents");
        assertThat(browser.driver.findElements(By.id("org"))).as("no org filter").isEmpty();

        open("keys.html", By.cssSelector("#key-list tbody tr"));
        assertThat(browser.driver.findElements(By.cssSelector("#key-list tbody td:nth-child(2)")))
                .isNotEmpty().allSatisfy(td -> assertThat(td.getText()).isEqualTo("acme"));
        assertThat(browser.driver.findElement(By.tagName("main")).getText()).doesNotContain("globex", globexKeyId);
        assertThat(browser.driver.findElements(By.cssSelector("#key-org, #new-key-org, #new-key-tier, select[id^='tier-']"))).isEmpty();

        open("orgs.html", By.cssSelector("#org-list tbody tr"));
        assertThat(browser.driver.findElements(By.cssSelector("#org-list tbody tr"))).hasSize(1);
        assertThat(browser.driver.findElement(By.id("org-list")).getText()).contains("acme").doesNotContain("globex");
        assertThat(browser.driver.findElements(By.cssSelector("#create-org, select[id^='tier-']"))).isEmpty();

        open("security.html", By.id("events"));
        assertThat(browser.driver.findElement(By.id("events")).getText()).doesNotContain("globex");

        open("keys.html?key=" + globexKeyId, By.id("not-found"));
        assertThat(browser.driver.findElement(By.id("not-found")).getText()).isEqualTo("No such key.");
        assertThat(browser.driver.findElements(By.id("key-detail"))).isEmpty();
        Eventually.until("the attempt is audited", () -> adminJson("/admin/v1/audit/events?type=tenant.cross_attempt&org=acme").path("items").size() > 0);

        open("posture.html", By.id("operators-only"));
    }

    @Test
    void aPageOfAnotherOriginCannotRevokeAKey() throws Exception {
        loginAsOperator();
        var victim = gw.createKeyRecord("acme", "invoke");
        String id = gw.store.apiKeys().findByHash(dev.bastion.authn.ApiKeys.hash(victim.plaintext())).orElseThrow().id();
        String revoke = console + "/admin/v1/keys/" + id + "/revoke";
        // the same site (another loopback port), so the SameSite=Strict cookie is sent: the token and Origin checks stop it
        String page = "<!doctype html><html><body><iframe name=a></iframe>"
                + "<form id=f method=POST target=a action='" + revoke + "'></form>"
                + "<script>document.querySelector('iframe').onload = () => { document.title = 'done'; };"
                + "document.getElementById('f').submit();"
                + "fetch('" + revoke + "',{method:'POST',mode:'no-cors',credentials:'include'}).catch(()=>{});"
                + "fetch('" + revoke + "',{method:'POST',credentials:'include',headers:{'X-CSRF-Token':'guess'}}).catch(()=>{});"
                + "</script></body></html>";
        HttpServer evil = browser.openOtherOrigin(sideVertx, page);
        try {
            Eventually.until("the forged posts reached Bastion and were refused",
                    () -> gw.accessLines().stream().filter(l -> l.contains("/revoke") && l.contains("csrf_failed")).count() >= 2);
            assertThat(adminJson("/admin/v1/keys/" + id).path("status").asText()).isEqualTo("active");
            assertThat(gw.get("/api/items", victim.plaintext()).statusCode()).isEqualTo(200);
        } finally {
            evil.close();
        }
    }

    @Test
    void aKeyNameHoldingMarkupIsShownAsText() {
        loginAsOperator();
        open("keys.html?org=acme", By.cssSelector("#key-list tbody tr"));
        assertThat(browser.driver.findElements(By.xpath("//table[@id='key-list']//td[text()='" + XSS + "']"))).hasSize(1);
        assertThat(browser.driver.findElements(By.cssSelector("main img"))).isEmpty();
        assertThat(js("return window.__pwned === undefined")).isEqualTo(true);
    }

    @Test
    void listsPageForwardAndBackThroughTheCursor() throws Exception {
        for (int i = 0; i < 3; i++) gw.createKey("globex", "invoke");
        loginAsOperator();
        // a page of 50 is the default: more keys than that come on a second page
        for (int i = 0; i < 50; i++) gw.createKey("ops", "invoke");
        open("keys.html", By.cssSelector("#key-list tbody tr"));
        assertThat(browser.driver.findElements(By.cssSelector("#key-list tbody tr"))).hasSize(50);
        String first = browser.driver.findElement(By.cssSelector("#key-list tbody tr")).getAttribute("data-id");
        assertThat(browser.driver.findElement(By.id("key-list-prev")).isEnabled()).isFalse();
        browser.driver.findElement(By.id("key-list-next")).click();
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-list-page"), "page 2"));
        assertThat(browser.driver.findElement(By.cssSelector("#key-list tbody tr")).getAttribute("data-id")).isNotEqualTo(first);
        browser.driver.findElement(By.id("key-list-prev")).click();
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-list-page"), "page 1"));
        assertThat(browser.driver.findElement(By.cssSelector("#key-list tbody tr")).getAttribute("data-id")).isEqualTo(first);
    }
}
