package dev.bastion.bots;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signals read from one request's headers alone: pure, no state, no I/O. What a header says is only a hint — a
 * client can send any header — so these signals catch honest automation and careless imitation, not a determined
 * one (docs/bots.md, "what it cannot do").
 */
public final class BotSignals {
    // Tokens HTTP libraries and tools put in their default user agents. Matched case-insensitively as substrings.
    private static final List<String> AUTOMATION = List.of(
            "python-requests", "python-urllib", "python-httpx", "aiohttp", "httpx/", "urllib3", "curl/", "wget/", "libcurl",
            "go-http-client", "java-http-client", "java/", "okhttp", "apache-httpclient", "node-fetch", "undici", "axios/",
            "got (", "scrapy", "libwww-perl", "lwp::", "mechanize", "httpie", "powershell", "ruby", "colly", "headless");
    private static final List<String> HEADLESS = List.of("headlesschrome", "phantomjs", "slimerjs", "electron/");
    private static final Pattern CHROMIUM = Pattern.compile("(?:Chrome|Chromium|Edg)/(\\d+)");

    private BotSignals() {}

    /**
     * Adds the header signals of a request to {@code out}.
     *
     * @param headers       the request's headers
     * @param hintsExpected whether a Chromium browser would send client hints and fetch metadata here: the origin is
     *                      secure (HTTPS) or loopback — over plain HTTP to another host they are not sent
     */
    public static void read(MultiMap headers, boolean hintsExpected, List<Signal> out) {
        String ua = headers.get("User-Agent");
        if (ua == null || ua.isBlank()) {
            out.add(Signal.UA_MISSING);
            return; // the rest compares what a browser user agent implies
        }
        String lower = ua.toLowerCase(Locale.ROOT);
        if (HEADLESS.stream().anyMatch(lower::contains)) out.add(Signal.UA_HEADLESS);
        else if (AUTOMATION.stream().anyMatch(lower::contains)) out.add(Signal.UA_AUTOMATION);
        if (!browser(ua)) return;
        if (headers.get("Accept-Language") == null) out.add(Signal.ACCEPT_LANGUAGE_MISSING);
        Matcher chromium = CHROMIUM.matcher(ua);
        boolean isChromium = chromium.find() && Integer.parseInt(chromium.group(1).length() > 4 ? "0" : chromium.group(1)) >= 90;
        if (isChromium && hintsExpected && headers.get("Sec-CH-UA") == null) out.add(Signal.HINTS_MISSING);
        String hinted = headers.get("Sec-CH-UA-Platform");
        if (hinted != null) {
            String claimed = platform(ua);
            String said = hinted.replace("\"", "").strip().toLowerCase(Locale.ROOT);
            if (claimed != null && !said.isEmpty() && !said.equals("unknown") && !said.equals(claimed)) out.add(Signal.PLATFORM_MISMATCH);
        }
        if (hintsExpected && navigation(headers) && headers.get("Sec-Fetch-Mode") == null && headers.get("Sec-Fetch-Dest") == null) {
            out.add(Signal.FETCH_METADATA_MISSING);
        }
    }

    /** A user agent that presents itself as a browser ({@code Mozilla/5.0 …}). */
    static boolean browser(String ua) {
        return ua.startsWith("Mozilla/");
    }

    /** The request asks for an HTML page: what a browser sends on a navigation. */
    public static boolean navigation(MultiMap headers) {
        String accept = headers.get("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /** The platform a browser user agent names, as {@code Sec-CH-UA-Platform} spells it in lower case; null if none. */
    static String platform(String ua) {
        if (ua.contains("Android")) return "android";
        if (ua.contains("iPhone") || ua.contains("iPad")) return "ios";
        if (ua.contains("Windows")) return "windows";
        if (ua.contains("Macintosh") || ua.contains("Mac OS X")) return "macos";
        if (ua.contains("CrOS")) return "chrome os";
        if (ua.contains("Linux")) return "linux";
        return null;
    }

    /** The sum of the weights. */
    public static int score(List<Signal> signals) {
        int s = 0;
        for (Signal signal : signals) s += signal.weight();
        return s;
    }

    /** The signal names, in the order they were raised. */
    public static List<String> names(List<Signal> signals) {
        List<String> out = new ArrayList<>(signals.size());
        for (Signal s : signals) out.add(s.code());
        return out;
    }
}
