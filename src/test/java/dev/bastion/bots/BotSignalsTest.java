package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BotSignalsTest {
    private static final String CHROME_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    /** What a real Chrome on Windows sends on a navigation over HTTPS. */
    private static MultiMap chromeNavigation() {
        return MultiMap.caseInsensitiveMultiMap().add("User-Agent", CHROME_WIN)
                .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").add("Accept-Language", "en-GB,en;q=0.9")
                .add("Sec-CH-UA", "\"Google Chrome\";v=\"131\", \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"")
                .add("Sec-CH-UA-Platform", "\"Windows\"").add("Sec-Fetch-Mode", "navigate").add("Sec-Fetch-Dest", "document");
    }

    private static MultiMap with(String ua) {
        return MultiMap.caseInsensitiveMultiMap().add("User-Agent", ua).add("Accept", "*/*");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a real Chrome navigation", chromeNavigation(), true, List.of()),
                Arguments.of("Chrome over plain HTTP to another host: no hints expected", chromeNavigation().remove("Sec-CH-UA").remove("Sec-Fetch-Mode").remove("Sec-Fetch-Dest"), false, List.of()),
                Arguments.of("a real Firefox navigation (no client hints in Firefox)", MultiMap.caseInsensitiveMultiMap().add("User-Agent", FIREFOX_LINUX)
                        .add("Accept", "text/html").add("Accept-Language", "de").add("Sec-Fetch-Mode", "navigate").add("Sec-Fetch-Dest", "document"), true, List.of()),
                Arguments.of("no user agent", MultiMap.caseInsensitiveMultiMap(), true, List.of("ua_missing")),
                Arguments.of("blank user agent", with("  "), true, List.of("ua_missing")),
                Arguments.of("python-requests", with("python-requests/2.32.3"), true, List.of("ua_automation")),
                Arguments.of("curl", with("curl/8.5.0"), true, List.of("ua_automation")),
                Arguments.of("Go", with("Go-http-client/1.1"), true, List.of("ua_automation")),
                Arguments.of("Scrapy", with("Scrapy/2.11.0 (+https://scrapy.org)"), true, List.of("ua_automation")),
                Arguments.of("the JDK client", with("Java-http-client/25"), true, List.of("ua_automation")),
                Arguments.of("headless Chrome, otherwise complete", chromeNavigation().set("User-Agent", CHROME_WIN.replace("Chrome/", "HeadlessChrome/")), true, List.of("ua_headless")),
                Arguments.of("a script with Chrome's user agent and nothing else", with(CHROME_WIN).set("Accept", "text/html"), true,
                        List.of("accept_language_missing", "hints_missing", "fetch_metadata_missing")),
                Arguments.of("Chrome's user agent claiming Windows, hints saying macOS", chromeNavigation().set("Sec-CH-UA-Platform", "\"macOS\""), true, List.of("platform_mismatch")),
                Arguments.of("old Chrome 80: before client hints", chromeNavigation().set("User-Agent", CHROME_WIN.replace("131.0", "80.0")).remove("Sec-CH-UA"), true, List.of()),
                Arguments.of("an API call (no HTML asked for): no fetch-metadata signal", chromeNavigation().set("Accept", "application/json").remove("Sec-Fetch-Mode").remove("Sec-Fetch-Dest"), true, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void signals(String name, MultiMap headers, boolean hintsExpected, List<String> expected) {
        List<Signal> out = new ArrayList<>();
        BotSignals.read(headers, hintsExpected, out);
        assertThat(BotSignals.names(out)).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneStrongSignalOrSeveralWeakOnesReachTheDefaultThreshold(String name, MultiMap headers, boolean hintsExpected, List<String> expected) {
        List<Signal> out = new ArrayList<>();
        BotSignals.read(headers, hintsExpected, out);
        boolean automated = BotSignals.score(out) >= 50;
        assertThat(automated).isEqualTo(!expected.isEmpty() && !expected.equals(List.of("platform_mismatch")));
    }
}
