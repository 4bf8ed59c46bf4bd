package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import java.util.List;
import java.util.Set;

/**
 * IPv4 and IPv6 addresses. IPv4: four decimal octets 0–255 without leading zeros, standing alone — not
 * part of a longer dotted sequence ({@code 1.2.3.4.5}, an OID), not right after a {@code v} or the words
 * "version", "release", "build" (so {@code v1.2.3.4} and "version 10.0.2.1" are versions, not hosts).
 * IPv6: a run of hex digits and colons in an RFC 4291 text form ({@link IpLiterals}), with an embedded
 * IPv4 part ({@code 64:ff9b::198.51.100.7}) and a zone id ({@code fe80::1%eth0}) in the one span; the
 * brackets of a URL ({@code [2001:db8::1]:8080}) stay outside it. Times ({@code 12:30:45}) and MAC
 * addresses have the wrong number of groups. Not caught: IPv4 in hex or octal notation.
 */
public final class IpAddressDetector implements Detector {
    public static final String TYPE = "IP_ADDRESS";
    /** Interface names are at most 15 chars (Linux), with a {@code 25} before them in URLs. */
    private static final int MAX_ZONE = 18;

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    /** Three dots between digits, or two colons between hex digits. */
    @Override
    public boolean mayFind(TextShape shape) {
        return shape.numberDots() >= 3 || shape.hexColons() >= 2;
    }

    @Override
    public void scan(String s, List<Finding> out) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (!IpLiterals.hex(c) && c != ':') {
                i++;
                continue;
            }
            if (i > 0 && (Chars.wordChar(s.charAt(i - 1)) || s.charAt(i - 1) == '.' || s.charAt(i - 1) == ':')) {
                i++;
                continue;
            }
            int end = i;
            boolean colon = false;
            while (end < n && end - i < 45 && (IpLiterals.hex(s.charAt(end)) || s.charAt(end) == ':' || s.charAt(end) == '.')) {
                colon |= s.charAt(end) == ':';
                end++;
            }
            while (end > i && (s.charAt(end - 1) == '.' || (s.charAt(end - 1) == ':' && !(end - 2 >= i && s.charAt(end - 2) == ':')))) end--; // sentence punctuation
            int found = colon ? ipv6(s, i, end) : ipv4(s, i, end);
            if (found > 0) {
                out.add(new Finding(TYPE, Finding.Category.PII, i, found));
                i = found;
            } else {
                i = Math.max(end, i + 1);
            }
        }
    }

    private static int ipv4(String s, int from, int end) {
        if (end < s.length() && Chars.wordChar(s.charAt(end)) || !IpLiterals.dottedQuad(s, from, end)) return -1;
        if (from > 0 && (s.charAt(from - 1) == 'v' || s.charAt(from - 1) == 'V')) return -1;
        if (Chars.versionBefore(s, from)) return -1;
        return end;
    }

    /** The end of the IPv6 address {@code s[from, end)} with its zone id if one follows, or -1. */
    private static int ipv6(String s, int from, int end) {
        // "::" alone is the unspecified address, and as text more often punctuation (C++, Ruby, YAML) than a host.
        if (end < s.length() && Chars.wordChar(s.charAt(end)) || end - from < 3 || !IpLiterals.ipv6(s, from, end)) return -1;
        return zoneEnd(s, end);
    }

    /**
     * After {@code %}, a zone id ({@code fe80::1%eth0}, {@code %12}, URL-encoded {@code %25eth0}): an
     * interface name or number, part of the address as written.
     */
    private static int zoneEnd(String s, int end) {
        if (end >= s.length() || s.charAt(end) != '%') return end;
        int q = end + 1;
        while (q < s.length() && q - end <= MAX_ZONE && (Chars.alnum(s.charAt(q)) || s.charAt(q) == '_' || s.charAt(q) == '-' || s.charAt(q) == '.')) q++;
        while (q > end + 1 && s.charAt(q - 1) == '.') q--; // sentence punctuation
        return q == end + 1 || q - end > MAX_ZONE || Chars.wordAfter(s, q) ? end : q;
    }
}
