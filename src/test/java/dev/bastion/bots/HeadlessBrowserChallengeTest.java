package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser solves the proof of work: Debian's headless Chromium (installed by .ci/run) opens a challenged
 * page on loopback, runs the page's script under the page's own CSP, and reloads with the answer; the upstream's
 * page is what it ends on. Headless Chromium names itself ({@code ua_headless}), so it is challenged: a solver
 * passes whatever its user agent, which is what a challenge is for.
 */
class HeadlessBrowserChallengeTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void headlessChromiumSolvesTheChallengeAndReachesTheUpstream(@TempDir Path profile) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed");
        try (TestGateway gw = TestGateway.start("bots: { pow_difficulty: 12 }\n" + TestGateway.config(PowChallengeGatewayTest.ROUTES))) {
            gw.upstream.behave(req -> req.response().putHeader("Content-Type", "text/html").end("<!doctype html><p id=\"app\">the application</p>"));
            // the flags the machine's notes ask for: no background networking (the network is closed), a new profile
            Path out = profile.resolve("dom.html");
            Process p = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile.resolve("profile"), "--virtual-time-budget=20000", "--dump-dom", gw.uri("/page/app").toString()))
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium ended").isTrue();
            } finally {
                // bounded: a hung browser (and its renderers) never outlives the test
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            String dom = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(dom).contains("the application");
            assertThat(gw.upstream.seen()).hasSize(1);
            assertThat(gw.upstream.last().uri()).isEqualTo("/page/app");
            String solved = gw.accessLines().stream().filter(l -> l.contains("\"action\":\"solved\"")).findFirst().orElseThrow();
            assertThat(solved).contains("ua_headless");
            assertThat(gw.accessLines()).anyMatch(l -> l.contains("\"action\":\"challenge\""));
        }
    }
}
