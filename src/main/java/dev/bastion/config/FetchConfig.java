package dev.bastion.config;

import dev.bastion.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A route that fetches a URL named by its caller — a link preview, an "import from URL" (S1, the Boards
 * seed: "block link-local, RFC1918 and metadata IPs, scheme and domain allow-list, max size, type
 * allow-list"). The URL comes from the request, so nothing about it is trusted: only public addresses, only
 * these schemes, ports, domains and content types, every redirect checked again.
 *
 * @param schemes       URL schemes fetched; default {@code [https]} ({@code http} must be named)
 * @param domains       host names fetched, exact ({@code example.com}) or wildcards ({@code *.example.com}: its
 *                      subdomains, not itself); default empty: any host whose addresses are public
 * @param denyDomains   host names never fetched, same forms; a match wins over {@code domains}
 * @param ports         ports fetched; default the schemes' own (80 and 443)
 * @param maxBytes      the largest answer body; default 2MiB (a larger declared or streamed body is refused)
 * @param contentTypes  media types answered, exact or {@code type/*}; default HTML, plain text and web images
 * @param maxRedirects  redirects followed, each checked like the first URL; default 3, at most 10
 * @param timeout       the whole fetch, redirects included; default 10s, at most 60s
 * @param allowPrivate  CIDR ranges a fetch may reach although they are not public (an intranet wiki); default none.
 *                      Cloud metadata addresses are reachable only when a range here covers them
 */
public record FetchConfig(List<String> schemes, List<String> domains, List<String> denyDomains, List<Integer> ports, ByteSize maxBytes,
                          List<String> contentTypes, Integer maxRedirects, Duration timeout, List<String> allowPrivate) {
    private static final Set<String> SCHEMES = Set.of("http", "https");
    public static final List<String> DEFAULT_TYPES = List.of("text/html", "application/xhtml+xml", "text/plain",
            "image/png", "image/jpeg", "image/gif", "image/webp");

    public FetchConfig {
        schemes = schemes == null || schemes.isEmpty() ? List.of("https") : schemes.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList();
        for (String s : schemes) {
            if (!SCHEMES.contains(s)) throw new IllegalArgumentException("schemes: '" + s + "' (expected: http, https)");
        }
        domains = domains == null ? List.of() : List.copyOf(domains);
        denyDomains = denyDomains == null ? List.of() : List.copyOf(denyDomains);
        // The shape here; the names are canonicalised (IDNA, case) by egress.DomainPattern when the route is built.
        for (String d : domains) checkDomain("domains", d);
        for (String d : denyDomains) checkDomain("deny_domains", d);
        if (ports == null || ports.isEmpty()) ports = schemes.stream().map(s -> s.equals("https") ? 443 : 80).toList();
        else ports = List.copyOf(ports);
        for (int p : ports) {
            if (p < 1 || p > 65535) throw new IllegalArgumentException("ports: " + p + " (expected: 1..65535)");
        }
        maxBytes = maxBytes == null ? new ByteSize(2L << 20) : maxBytes;
        if (maxBytes.bytes() < 1 || maxBytes.bytes() > (64L << 20)) throw new IllegalArgumentException("max_bytes: expected 1B to 64MiB");
        contentTypes = contentTypes == null || contentTypes.isEmpty() ? DEFAULT_TYPES
                : contentTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
        for (String t : contentTypes) {
            if (!t.matches("[a-z0-9][a-z0-9!#$&^_.+-]*/(\\*|[a-z0-9][a-z0-9!#$&^_.+-]*)")) {
                throw new IllegalArgumentException("content_types: '" + t + "' (expected: type/subtype or type/*)");
            }
        }
        maxRedirects = maxRedirects == null ? 3 : maxRedirects;
        if (maxRedirects < 0 || maxRedirects > 10) throw new IllegalArgumentException("max_redirects: " + maxRedirects + " (expected: 0..10)");
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("timeout: expected more than 0 and at most 60s");
        }
        allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
        Cidr.parseAll("allow_private", allowPrivate); // fail at load
    }

    private static void checkDomain(String key, String d) {
        if ("*".equals(d)) return;
        String name = d == null ? "" : d.startsWith("*.") ? d.substring(2) : d;
        if (name.isBlank() || name.contains("*")) throw new IllegalArgumentException(key + ": '" + d + "' (expected: a host name, or *. and a host name; a wildcard only leading)");
        if (!name.chars().allMatch(c -> c > 0x20 && c != '/' && c != '@' && c != '\\' && c != '?' && c != '#')) {
            throw new IllegalArgumentException(key + ": '" + d + "' is not a host name");
        }
    }

    public List<Cidr> allowPrivateRanges() {
        return Cidr.parseAll("allow_private", allowPrivate);
    }
}
