package dev.bastion.bots;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The navigation shape of a browser client (address and user agent): a real browser loads a page before its
 * scripts fetch from the same origin, so a browser user agent whose same-origin fetch or asset request comes
 * without a document load from this site within the window is likely a script calling the API directly
 * ({@code navigation_missing}). Read from Fetch Metadata only ({@code Sec-Fetch-Dest}, {@code Sec-Fetch-Site}):
 * a client that sends none is not judged here. Memory is bounded (at most {@code maxClients}, each forgotten
 * {@code window} after its last document) and per node.
 */
final class NavigationTracker {
    private static final Set<String> DOCUMENTS = Set.of("document", "iframe", "frame", "embed", "object");

    private final Cache<String, Boolean> seen;

    NavigationTracker(Duration window, long maxClients, Clock clock) {
        this.seen = Caffeine.newBuilder().maximumSize(maxClients).expireAfterWrite(window).ticker(() -> clock.millis() * 1_000_000L).build();
    }

    /**
     * Records a document load, or tells whether a same-origin subresource or fetch comes without one.
     *
     * @return true when {@code navigation_missing} applies
     */
    boolean missing(MultiMap headers, String ip, String userAgent) {
        String dest = headers.get("Sec-Fetch-Dest");
        if (dest == null || userAgent == null || !BotSignals.browser(userAgent)) return false;
        String key = ip + "|" + Integer.toHexString(userAgent.hashCode()); // a hash: a user agent can be long
        if (DOCUMENTS.contains(dest.strip().toLowerCase(Locale.ROOT))) {
            seen.put(key, Boolean.TRUE);
            return false;
        }
        // only same-origin: a cross-site widget or hotlink never loaded a page here, and rightly so
        return "same-origin".equalsIgnoreCase(headers.get("Sec-Fetch-Site")) && seen.getIfPresent(key) == null;
    }
}
