package dev.bastion.bots;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.BotsConfig;
import dev.bastion.net.IpAddresses;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bot control on one route (issue 19): scores the request from named signals ({@link Signal}), verifies a claimed
 * search-engine crawler by forward-confirmed reverse DNS, and applies the route's mode to a request at or over the
 * threshold — {@code allow} and {@code flag} let it through, {@code challenge} answers a browser navigation with a
 * page that sets a signed cookie and reloads (a valid cookie then passes) and anything else with 403
 * {@code bot_challenge_required}, {@code block} refuses with 403 {@code bot_blocked}. Every decision goes on the
 * access line as {@code bot: {score, signals, action}} — signal names only, never header values.
 *
 * <p>Runs after authentication: a caller that authenticated as a machine (an API key, a client-credentials token)
 * is automation by design and is never scored. A failed DNS lookup is not a fault: it leaves the crawler
 * unverified, which is its own signal ({@code bot_spoofed}).
 */
public final class BotControl implements Control {
    static final String COOKIE = "__bastion_bot";
    /** Where the proof-of-work page's script leaves its answer: the next request carries it, whatever its method. */
    static final String POW_COOKIE = "__bastion_pow";

    private final BotsRuntime runtime;
    private final String route;
    private final BotsConfig.Mode mode;
    private final int threshold;
    private final Map<String, Counter> counters = new LinkedHashMap<>();

    BotControl(BotsRuntime runtime, String route, BotsConfig.Mode mode, int threshold) {
        this.runtime = runtime;
        this.route = route;
        this.mode = mode;
        this.threshold = threshold;
        for (String action : List.of("allow", "flag", "challenge", "block", "pass", "solved", "verified", "machine")) counters.put(action, runtime.counter(route, action));
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "bots";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        if (machine(ex.identity())) {
            counters.get("machine").increment();
            return Verdict.ALLOWED;
        }
        List<Signal> signals = new ArrayList<>(4);
        BotSignals.read(ex.headers(), ex.secure() || loopback(ex.host()), signals);
        String ua = ex.headers().get("User-Agent");
        if (runtime.navigation.missing(ex.headers(), ex.clientIp(), ua)) signals.add(Signal.NAVIGATION_MISSING);
        String subscriber = IpAddresses.subscriber(ex.clientIp()); // an IPv6 client by its /64, as the limits count it
        return runtime.rates.over(subscriber != null ? subscriber : ex.clientIp()).compose(over -> {
            if (over) signals.add(Signal.RATE_HIGH);
            VerifiedBots.Family claimed = VerifiedBots.claimed(ua);
            if (claimed == null) return Future.succeededFuture(decide(ex, signals, ua));
            return runtime.verified.verify(claimed, ex.clientIp()).map(ok -> {
                if (ok) {
                    record(ex, List.of(Signal.BOT_VERIFIED), 0, "verified");
                    return Verdict.ALLOW;
                }
                signals.add(Signal.BOT_SPOOFED);
                return decide(ex, signals, ua);
            });
        });
    }

    private Verdict decide(Exchange ex, List<Signal> signals, String ua) {
        int score = BotSignals.score(signals);
        if (score < threshold || mode == BotsConfig.Mode.ALLOW) {
            if (!signals.isEmpty()) record(ex, signals, score, "allow");
            else counters.get("allow").increment();
            return Verdict.ALLOW;
        }
        return switch (mode) {
            case OFF, ALLOW -> Verdict.ALLOW; // OFF has no control; ALLOW returned above
            case FLAG -> {
                record(ex, signals, score, "flag");
                yield Verdict.ALLOW;
            }
            case BLOCK -> {
                record(ex, signals, score, "block");
                audit(ex, "bot.block", signals, score);
                yield new Verdict.Deny(403, "bot_blocked", "Automated requests are not allowed on this route.");
            }
            case CHALLENGE -> {
                if (runtime.tokens.valid(cookie(ex, COOKIE), ex.clientIp(), ua)) {
                    record(ex, signals, score, "pass");
                    yield Verdict.ALLOW;
                }
                String answer = runtime.pow == null ? null : cookie(ex, POW_COOKIE);
                ProofOfWork.Outcome outcome = answer == null ? null : runtime.pow.redeem(answer, ex.clientIp(), ua);
                if (outcome == ProofOfWork.Outcome.SOLVED) {
                    record(ex, signals, score, "solved");
                    ex.responseHeaders().add("Set-Cookie", passCookie(ex, ua));
                    ex.responseHeaders().add("Set-Cookie", POW_COOKIE + "=; Path=/; Max-Age=0; SameSite=Lax" + (ex.secure() ? "; Secure" : ""));
                    yield Verdict.ALLOW;
                }
                Map<String, Object> decision = record(ex, signals, score, "challenge");
                if (outcome != null) decision.put("answer", outcome.name().toLowerCase(java.util.Locale.ROOT)); // why an answer failed
                audit(ex, "bot.challenge", signals, score);
                if (!page(ex)) {
                    yield new Verdict.Deny(403, "bot_challenge_required", "This route requires a browser challenge; open it in a browser (cookies on, and JavaScript for a proof of work).");
                }
                yield runtime.pow == null ? ChallengePages.cookie(passCookie(ex, ua), back(ex)) : ChallengePages.pow(runtime.pow.issue(ex.clientIp(), ua), runtime.pow.bits());
            }
        };
    }

    /** Only a GET or HEAD navigation gets the page: reloading after a POST would lose its body. */
    private static boolean page(Exchange ex) {
        String m = ex.method().name();
        return (m.equals("GET") || m.equals("HEAD")) && BotSignals.navigation(ex.headers());
    }

    /** The cookie a passed challenge leaves: signed for this address and user agent until {@code challenge_ttl}. */
    private String passCookie(Exchange ex, String ua) {
        String token = runtime.tokens.issue(ex.clientIp(), ua);
        long expiry = Long.parseLong(token.substring(3, token.indexOf('.', 3)));
        // Expires as well as Max-Age: with Max-Age alone the JDK's cookie manager takes an RFC 2965 cookie and sends
        // it back as $Version="1", which request inspection rightly refuses
        return COOKIE + "=" + token + "; Path=/; Expires="
                + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.Instant.ofEpochSecond(expiry).atOffset(java.time.ZoneOffset.UTC))
                + "; Max-Age=" + runtime.tokens.ttl().toSeconds() + "; HttpOnly; SameSite=Lax" + (ex.secure() ? "; Secure" : "");
    }

    /**
     * Where the page reloads to: the request's own path and query, HTML-escaped, never another site (a path that
     * begins {@code //} would be a host to a browser, an open redirect).
     */
    static String back(Exchange ex) {
        String path = ex.rawPath() == null || ex.rawPath().isEmpty() ? "/" : ex.rawPath();
        while (path.startsWith("//") || path.startsWith("/\\")) path = path.substring(1);
        if (!path.startsWith("/")) path = "/";
        String target = ex.rawQuery() == null ? path : path + "?" + ex.rawQuery();
        StringBuilder sb = new StringBuilder(target.length() + 16);
        for (char c : target.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String cookie(Exchange ex, String name) {
        for (String header : ex.headers().getAll("Cookie")) {
            for (String part : header.split("[;,]")) { // "," too: RFC 2965 clients send $Version="1", name="value"
                String p = part.strip();
                if (!p.startsWith(name + "=")) continue;
                String v = p.substring(name.length() + 1);
                // RFC 6265 allows a quoted cookie-value, and RFC 2965 clients (the JDK's cookie manager) send one
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    /** An API key, a client-credentials token, or an IdP token its issuer marks as a machine's: automation by design. */
    static boolean machine(Identity id) {
        return id != null && id.machine();
    }

    private static boolean loopback(String host) {
        if (host == null) return false;
        String h = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]");
    }

    private Map<String, Object> record(Exchange ex, List<Signal> signals, int score, String action) {
        Map<String, Object> bot = new LinkedHashMap<>();
        bot.put("score", score);
        bot.put("signals", BotSignals.names(signals));
        bot.put("action", action);
        ex.logField("bot", bot);
        counters.get(action).increment();
        return bot;
    }

    private void audit(Exchange ex, String event, List<Signal> signals, int score) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", ex.requestId());
        fields.put("trace_id", ex.traceId());
        fields.put("route", route);
        fields.put("ip", ex.clientIp());
        fields.put("score", score);
        fields.put("signals", BotSignals.names(signals));
        runtime.audit(event, fields);
    }
}
