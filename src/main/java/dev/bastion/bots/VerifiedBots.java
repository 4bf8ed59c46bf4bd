package dev.bastion.bots;

import dev.bastion.net.IpAddresses;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a request that claims to be a search engine's crawler comes from it: forward-confirmed reverse DNS, as
 * the search engines document it. The address's PTR name must end in one of the crawler's domains (on a label
 * boundary: {@code evilgooglebot.com} is not {@code googlebot.com}), and that name must resolve back to the same
 * address — a PTR record is whatever the owner of the address block says, so the forward lookup is what makes
 * it evidence. Any failure (no PTR, a timeout, a name outside the domains, no matching address) is "not
 * verified": fail closed. Answers are cached per address and family, a confirmation and a refusal for
 * {@code bots.verify_ttl}, a lookup that failed for a minute; the cache holds at most 100,000 entries.
 */
public final class VerifiedBots {
    /** A crawler family: the user-agent token that claims it and the domains its PTR names end in. */
    public record Family(String name, String uaToken, List<String> domains) {}

    /** The crawlers Bastion verifies, with the domains their operators document. */
    public static final List<Family> FAMILIES = List.of(
            new Family("google", "googlebot", List.of("googlebot.com", "google.com")),
            new Family("bing", "bingbot", List.of("search.msn.com")),
            new Family("apple", "applebot", List.of("applebot.apple.com")),
            new Family("yandex", "yandexbot", List.of("yandex.ru", "yandex.net", "yandex.com")),
            new Family("baidu", "baiduspider", List.of("baidu.com", "baidu.jp")));

    private static final int MAX_ENTRIES = 100_000;
    private static final Duration FAILED_FOR = Duration.ofMinutes(1);

    private record Entry(Future<Boolean> answer, long until) {}

    private final BotDns dns;
    private final Clock clock;
    private final Duration ttl;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public VerifiedBots(BotDns dns, Clock clock, Duration ttl) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** The family a user agent claims; null when it claims none. */
    public static Family claimed(String userAgent) {
        if (userAgent == null) return null;
        String lower = userAgent.toLowerCase(Locale.ROOT);
        for (Family f : FAMILIES) if (lower.contains(f.uaToken())) return f;
        return null;
    }

    /** Whether {@code ip} belongs to {@code family}; never fails (a failed lookup is false). */
    public Future<Boolean> verify(Family family, String ip) {
        String key = family.name() + "|" + ip;
        long now = clock.millis();
        Entry e = cache.get(key);
        if (e != null && e.until() > now) return e.answer();
        if (cache.size() >= MAX_ENTRIES) cache.clear(); // bounded: an address flood costs lookups, not memory
        Future<Boolean> lookup = lookup(family, ip);
        Future<Boolean> answer = lookup.otherwise(false); // what is cached never fails: a failed lookup is "not verified"
        cache.put(key, new Entry(answer, now + FAILED_FOR.toMillis())); // until it is known
        lookup.onComplete(r -> cache.put(key, new Entry(answer, now + (r.succeeded() ? ttl : FAILED_FOR).toMillis())));
        return answer;
    }

    private Future<Boolean> lookup(Family family, String ip) {
        String canonical = IpAddresses.canonical(ip);
        if (canonical == null) return Future.succeededFuture(false);
        return dns.reverse(canonical).compose(names -> {
            List<String> inDomain = names.stream().map(VerifiedBots::bare).filter(n -> inDomains(n, family.domains())).toList();
            if (inDomain.isEmpty()) return Future.succeededFuture(false);
            // every in-domain name is asked; one that resolves back to the address confirms it
            Future<Boolean> confirmed = Future.succeededFuture(false);
            for (String name : inDomain) {
                confirmed = confirmed.compose(done -> done ? Future.succeededFuture(true)
                        : dns.addresses(name).map(addresses -> addresses.stream().map(IpAddresses::canonical).anyMatch(canonical::equals)));
            }
            return confirmed;
        });
    }

    static String bare(String name) {
        String n = name.toLowerCase(Locale.ROOT).strip();
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    static boolean inDomains(String name, List<String> domains) {
        for (String d : domains) if (name.endsWith("." + d)) return true;
        return false;
    }
}
