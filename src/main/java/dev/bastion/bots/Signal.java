package dev.bastion.bots;

/**
 * One named reason to think a request is automated, with its weight. The weights are round numbers chosen so that
 * one strong signal (an HTTP library's user agent) reaches the default threshold of 50 alone, and weak ones (a
 * header a browser would send is missing) only together — never tuned to a corpus. The names are stable: they are
 * what the access line, the audit event and docs/bots.md call them.
 */
public enum Signal {
    /** No {@code User-Agent}, or an empty one: every browser sends one. */
    UA_MISSING("ua_missing", 60),
    /** An HTTP library or crawling tool names itself (python-requests, curl, Go-http-client, Scrapy, …). */
    UA_AUTOMATION("ua_automation", 60),
    /** A headless browser names itself (HeadlessChrome, PhantomJS). */
    UA_HEADLESS("ua_headless", 60),
    /** A Chromium user agent (Chrome/Edge 90+) without {@code Sec-CH-UA}, on a secure or loopback origin where Chromium sends it. */
    HINTS_MISSING("hints_missing", 20),
    /** The platform the user agent names differs from {@code Sec-CH-UA-Platform} (Windows in one, macOS in the other). */
    PLATFORM_MISMATCH("platform_mismatch", 30),
    /** A browser navigation (a browser user agent asking for HTML) without {@code Sec-Fetch-Mode}/{@code Sec-Fetch-Dest}. */
    FETCH_METADATA_MISSING("fetch_metadata_missing", 20),
    /** A browser user agent without {@code Accept-Language}: browsers always send the user's languages. */
    ACCEPT_LANGUAGE_MISSING("accept_language_missing", 15),
    /**
     * A browser user agent's same-origin fetch or asset request ({@code Sec-Fetch-Dest} other than a document) without
     * a document load from this site by the same address and user agent within {@code bots.navigation_window}.
     */
    NAVIGATION_MISSING("navigation_missing", 15),
    /** More requests from the client address in the current minute than {@code bots.rate_per_minute}. */
    RATE_HIGH("rate_high", 30),
    /** The user agent claims a search engine's crawler, and forward-confirmed reverse DNS of the address does not confirm it. */
    BOT_SPOOFED("bot_spoofed", 100),
    /** A search engine's crawler, confirmed by forward-confirmed reverse DNS: allowed whatever else is said. */
    BOT_VERIFIED("bot_verified", 0);

    private final String code;
    private final int weight;

    Signal(String code, int weight) {
        this.code = code;
        this.weight = weight;
    }

    /** The stable snake_case name. */
    public String code() {
        return code;
    }

    public int weight() {
        return weight;
    }
}
