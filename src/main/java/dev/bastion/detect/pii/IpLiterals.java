package dev.bastion.detect.pii;

/**
 * The RFC 4291 text forms of IP addresses, checked in place (no copy, no parse): a detector asks of
 * every candidate, and most are not addresses. IPv6 is up to eight groups of one to four hex digits, at
 * most one {@code ::} standing for one group or more, and optionally a dotted IPv4 part in place of the
 * last two groups ({@code ::ffff:192.0.2.1}, {@code 64:ff9b::198.51.100.7}) — the forms
 * {@link dev.bastion.net.IpAddresses}' parser does not all accept, as it parses addresses Bastion
 * connects to.
 */
final class IpLiterals {
    private IpLiterals() {}

    /** Four decimal octets 0–255 without leading zeros, separated by dots: all of {@code s[from, to)}. */
    static boolean dottedQuad(String s, int from, int to) {
        int p = from;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (p >= to || s.charAt(p) != '.') return false;
                p++;
            }
            int q = p, value = 0;
            while (q < to && q - p < 3 && Chars.digit(s.charAt(q))) value = value * 10 + s.charAt(q++) - '0';
            if (q == p || value > 255 || (q - p > 1 && s.charAt(p) == '0')) return false;
            p = q;
        }
        return p == to;
    }

    /** Whether all of {@code s[from, to)} is an IPv6 address in text form. */
    static boolean ipv6(String s, int from, int to) {
        int groups = 0, p = from;
        boolean compressed = false;
        if (s.startsWith("::", p)) {
            compressed = true;
            p += 2;
        } else if (p < to && s.charAt(p) == ':') {
            return false;
        }
        while (p < to) {
            int q = p;
            while (q < to && q - p <= 4 && hex(s.charAt(q))) q++;
            if (q < to && s.charAt(q) == '.') { // the IPv4 part: the last two groups
                if (!dottedQuad(s, p, to)) return false;
                groups += 2;
                break;
            }
            if (q == p || q - p > 4) return false;
            groups++;
            if (q == to) break;
            if (s.charAt(q) != ':') return false;
            if (q + 1 < to && s.charAt(q + 1) == ':') {
                if (compressed) return false;
                compressed = true;
                p = q + 2;
            } else {
                p = q + 1;
                if (p == to) return false; // a trailing single colon
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    static boolean hex(char c) {
        return Chars.digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
