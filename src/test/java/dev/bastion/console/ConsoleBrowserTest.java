package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.ConsoleConfig;
import dev.bastion.testing.ConsoleBrowser;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.OidcProvider;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (headless Chromium through Selenium): login through the OIDC stand-in with real
 * redirects, a bootstrap link and its refused second use, idle expiry, logout, a CSRF attempt from a second loopback
 * origin, the CSP stopping an injected inline script, and the incidents page throwing and lifting a switch the
 * gateway honours.
 */
class ConsoleBrowserTest {
    private static final String YAML = ConsoleOidcLoginTest.YAML;

    private Vertx sideVertx;
    private OidcProvider idp;
    private TestGateway gw;
    private ConsoleBrowser browser;
    private String console;

    @BeforeAll
    static void browserPresent() {
        ConsoleBrowser.require();
    }

    @BeforeEach
    void start() throws Exception {
        sideVertx = Vertx.vertx();
        idp = new OidcProvider(sideVertx);
        gw = TestGateway.start(YAML.replace("IDP", idp.issuer()), 1, Map.of("CONSOLE_SECRET", OidcProvider.CLIENT_SECRET));
        gw.store.orgs().ensure("ops");
        gw.upstream.behave(req -> req.response().end("ok"));
        console = "http://127.0.0.1:" + gw.gateway.adminPort();
        browser = ConsoleBrowser.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (gw != null) gw.close();
        idp.close();
        sideVertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private void loginWithIdp() {
        browser.driver.get(console + "/console/");
        browser.waiting().until(ExpectedConditions.elementToBeClickable(By.id("idp")));
        browser.screenshot("login");
        browser.driver.findElement(By.id("idp")).click();
        browser.waiting().until(ExpectedConditions.urlToBe(console + "/console/overview.html"));
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "operator"));
    }

    @Test
    void anOperatorLogsInThroughTheIdpAndThrowsAndLiftsASwitchTheGatewayHonours() throws Exception {
        loginWithIdp();
        assertThat(gw.get("/v1/x", null).statusCode()).isEqualTo(200);

        browser.driver.findElement(By.linkText("Incidents")).click();
        browser.waiting().until(ExpectedConditions.elementToBeClickable(By.id("throw-button")));
        new Select(browser.driver.findElement(By.id("switch"))).selectByValue("disable_route");
        browser.driver.findElement(By.id("target")).sendKeys("app");
        browser.driver.findElement(By.id("reason")).sendKeys("browser test");
        browser.driver.findElement(By.id("throw-button")).click();
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#incidents tbody tr")));
        browser.screenshot("incidents");
        Eventually.until("the route is disabled", () -> gw.get("/v1/x", null).statusCode() == 503);

        browser.driver.findElement(By.cssSelector("#incidents tbody tr button")).click();
        browser.waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("none")));
        Eventually.until("the route is back", () -> gw.get("/v1/x", null).statusCode() == 200);
    }

    @Test
    void aBootstrapLinkLogsInOnceAndLogoutEndsTheSession() {
        Bootstrap.Link link = Bootstrap.create(gw.store.console(), "ops", Instant.now(), Duration.ofMinutes(15));
        browser.driver.get(console + "/console/bootstrap#" + link.token());
        browser.waiting().until(ExpectedConditions.urlToBe(console + "/console/overview.html"));
        browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "operator"));

        browser.driver.findElement(By.id("logout")).click();
        browser.waiting().until(ExpectedConditions.urlToBe(console + "/console/"));
        browser.driver.get(console + "/console/overview.html");
        browser.waiting().until(ExpectedConditions.urlToBe(console + "/console/"));

        browser.driver.get(console + "/console/bootstrap#" + link.token());
        browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
        assertThat(browser.driver.findElement(By.id("problem")).getText()).contains("already used");
        assertThat(browser.driver.getCurrentUrl()).as("the token left the address bar").doesNotContain(link.token());
    }

    @Test
    void anIdleSessionSendsTheBrowserBackToTheLoginPage() throws Exception {
        loginWithIdp();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir.resolve("bastion.db"));
             var ps = c.prepareStatement("UPDATE console_sessions SET last_seen = ?")) {
            ps.setLong(1, Instant.now().minus(ConsoleConfig.Session.DEFAULTS.idleTimeout()).minusSeconds(60).toEpochMilli());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        browser.driver.navigate().refresh();
        browser.waiting().until(ExpectedConditions.urlToBe(console + "/console/"));
    }

    @Test
    void aPageOfAnotherOriginCannotMakeTheConsoleChangeAnything() throws Exception {
        loginWithIdp();
        String body = "{\\\"switch\\\":\\\"lockdown\\\",\\\"for\\\":\\\"1h\\\",\\\"reason\\\":\\\"csrf\\\"}";
        // Another origin on the same host: the same site, so the SameSite=Strict cookie IS sent, and only the CSRF token
        // and the Origin check stand in the way. Empty form posts (no body, so no content type to refuse) to a reload and
        // a logout, each into a hidden frame, and fetches with and without a preflight.
        String page = "<!doctype html><html><body>"
                + "<iframe name=a></iframe><iframe name=b></iframe>"
                + "<form id=reload method=POST target=a action='" + console + "/admin/v1/reload'></form>"
                + "<form id=logout method=POST target=b action='" + console + "/console/logout'></form>"
                + "<script>let n = 0; for (const f of document.querySelectorAll('iframe')) f.onload = () => { if (++n === 2) document.title = 'done'; };"
                + "document.getElementById('reload').submit(); document.getElementById('logout').submit();"
                + "fetch('" + console + "/admin/v1/incidents',{method:'POST',mode:'no-cors',credentials:'include',body:'" + body + "'}).catch(()=>{});"
                + "fetch('" + console + "/admin/v1/incidents',{method:'POST',credentials:'include',headers:{'Content-Type':'application/json','X-CSRF-Token':'guess'},"
                + "body:'" + body + "'}).catch(()=>{});"
                + "</script></body></html>";
        HttpServer evil = browser.openOtherOrigin(sideVertx, page);
        try {
            Eventually.until("both forged posts reached Bastion and were refused by the CSRF check",
                    () -> gw.accessLines().stream().filter(l -> l.contains("csrf_failed")).count() >= 2);
            String key = gw.createKey("ops", "operator");
            assertThat(new JsonObject(gw.send(gw.request("/").uri(gw.adminUri("/admin/v1/incidents")).header("Authorization", "Bearer " + key).GET().build())
                    .body()).getJsonArray("items")).as("no switch was thrown").isEmpty();
            assertThat(gw.accessLines().stream().filter(l -> l.contains("/admin/v1/reload")).noneMatch(l -> l.contains("\"status\":200"))).isTrue();
            browser.driver.get(console + "/console/overview.html");
            browser.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "operator"));
            assertThat(browser.driver.getCurrentUrl()).as("the forged logout did not end the session").isEqualTo(console + "/console/overview.html");
        } finally {
            evil.close();
        }
    }

    @Test
    void theCspStopsAnInjectedInlineScript() {
        loginWithIdp();
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        // As if a value from the API had been written into the page as HTML: an inline script and an inline handler.
        js.executeScript("const s = document.createElement('script'); s.textContent = 'window.__pwned = 1'; document.body.append(s);"
                + "const d = document.createElement('div'); d.innerHTML = '<img src=x onerror=\"window.__pwned2 = 1\">'; document.body.append(d);");
        browser.waiting().until(d -> js.executeScript("return document.querySelectorAll('img[src=x]').length") != null);
        assertThat(js.executeScript("return window.__pwned === undefined && window.__pwned2 === undefined")).isEqualTo(true);
        assertThat(js.executeScript("return typeof window.uPlot")).as("the vendored chart library, same origin, did load").isEqualTo("function");
    }

    @Test
    void theChartModuleDrawsRowsOverTimeWithTheVendoredLibrary() {
        loginWithIdp();
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        js.executeScript("const d = document.createElement('div'); d.id = 'test-chart'; document.querySelector('main').append(d);"
                + "import('/console/js/chart.js').then(m => { window.__chart = m.lineChart(d, ["
                + "{ ts: '2026-12-07T06:00:00Z', requests: 3, refused: 1 }, { ts: '2026-12-07T06:01:00Z', requests: 5, refused: 0 }]) ? 'drawn' : 'none'; });");
        browser.waiting().until(d -> js.executeScript("return window.__chart") != null);
        assertThat(js.executeScript("return window.__chart")).isEqualTo("drawn");
        assertThat(browser.driver.findElements(By.cssSelector("#test-chart canvas"))).hasSize(1);
        assertThat(browser.driver.findElement(By.cssSelector("#test-chart .u-legend")).getText()).contains("requests", "refused");
    }
}
