package dev.bastion.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver, for the console's browser tests: a
 * fresh temporary profile each time (no cookie survives a test), {@code --no-sandbox} (the tests run as root), and a
 * screenshot helper writing PNGs to {@code target/console-screenshots/} — and to {@code docs/console/} too when
 * {@code BASTION_CONSOLE_SCREENSHOTS=docs}.
 *
 * <p>Without chromium or chromedriver the tests are skipped, loudly — unless {@code CI} is set, where they fail: CI
 * installs both ({@code .ci/run}), so a missing one there is a broken machine, not a reason to pass.
 */
public final class ConsoleBrowser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    public final WebDriver driver;
    private final Path profile;

    private ConsoleBrowser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Checks the browser is there: fails under CI, skips (with a message on stderr) elsewhere. */
    public static void require() {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (apt-get install chromium)"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " (apt-get install chromium-driver)" : null;
        if (missing == null) return;
        if (System.getenv("CI") != null) throw new AssertionError("console browser tests need " + missing + "; CI must install it (.ci/run)");
        System.err.println("SKIPPED: console browser tests need " + missing);
        Assumptions.abort("console browser tests need " + missing);
    }

    public static ConsoleBrowser start() {
        require();
        try {
            Path profile = Files.createTempDirectory("bastion-console-browser");
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,800", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            // the viewport itself 1280×800 (the window size includes the browser's frame), so screenshots are that size
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
            return new ConsoleBrowser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    /** A PNG of the window, as {@code target/console-screenshots/NAME.png} (and {@code docs/console/NAME.png} on request). */
    public Path screenshot(String name) {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path out = Path.of("target", "console-screenshots", name + ".png");
            Files.createDirectories(out.getParent());
            Files.write(out, png);
            if ("docs".equals(System.getenv("BASTION_CONSOLE_SCREENSHOTS"))) {
                Path docs = Path.of("docs", "console", name + ".png");
                Files.createDirectories(docs.getParent());
                Files.write(docs, png);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Serves {@code html} from a second loopback origin (another port: the same site, so a SameSite=Strict cookie is
     * still sent) and opens it; returns once its script set the title to {@code done}. Close the answer when done.
     */
    public io.vertx.core.http.HttpServer openOtherOrigin(io.vertx.core.Vertx vertx, String html) throws Exception {
        io.vertx.core.http.HttpServer other = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "text/html").end(html));
        other.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        driver.get("http://127.0.0.1:" + other.actualPort() + "/");
        waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.titleIs("done"));
        return other;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp profile left behind is harmless
            }
        }
    }
}
