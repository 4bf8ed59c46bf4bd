package dev.bastion.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** navigation_missing: a browser's same-origin fetch without a page load from this site first. */
class NavigationTrackerTest {
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String IP = "203.0.113.5";
    private final MovableClock clock = new MovableClock();
    private final NavigationTracker tracker = new NavigationTracker(Duration.ofMinutes(30), 1000, clock);

    private static MultiMap fetch(String dest, String site) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Sec-Fetch-Dest", dest);
        if (site != null) h.add("Sec-Fetch-Site", site);
        return h;
    }

    @Test
    void aSameOriginFetchWithoutAPageLoadIsMissingItsNavigation() {
        assertThat(tracker.missing(fetch("empty", "same-origin"), IP, FIREFOX)).isTrue();
        assertThat(tracker.missing(fetch("script", "same-origin"), IP, FIREFOX)).as("an asset too").isTrue();
        assertThat(tracker.missing(fetch("document", "none"), IP, FIREFOX)).as("a page load is never missing itself").isFalse();
        assertThat(tracker.missing(fetch("empty", "same-origin"), IP, FIREFOX)).isFalse();
        assertThat(tracker.missing(fetch("image", "same-origin"), IP, FIREFOX)).isFalse();
    }

    @Test
    void thePageLoadCountsForItsAddressAndUserAgentOnlyAndForTheWindow() {
        tracker.missing(fetch("document", "none"), IP, FIREFOX);
        assertThat(tracker.missing(fetch("empty", "same-origin"), "203.0.113.6", FIREFOX)).as("another address").isTrue();
        assertThat(tracker.missing(fetch("empty", "same-origin"), IP, FIREFOX.replace("133", "134"))).as("another user agent").isTrue();
        clock.advance(Duration.ofMinutes(31));
        assertThat(tracker.missing(fetch("empty", "same-origin"), IP, FIREFOX)).as("after the window").isTrue();
    }

    @Test
    void crossSiteRequestsNonBrowsersAndClientsWithoutFetchMetadataAreNotJudged() {
        assertThat(tracker.missing(fetch("image", "cross-site"), IP, FIREFOX)).as("a hotlink or a widget").isFalse();
        assertThat(tracker.missing(fetch("empty", null), IP, FIREFOX)).isFalse();
        assertThat(tracker.missing(MultiMap.caseInsensitiveMultiMap(), IP, FIREFOX)).isFalse();
        assertThat(tracker.missing(fetch("empty", "same-origin"), IP, "curl/8.5.0")).as("ua_automation says it").isFalse();
        assertThat(tracker.missing(fetch("empty", "same-origin"), IP, null)).isFalse();
    }
}
