package dev.bastion.detect.pii;

import dev.bastion.detect.Detector;
import dev.bastion.detect.Finding;
import dev.bastion.detect.TextShape;
import dev.bastion.net.IpAddresses;
import java.util.List;
import java.util.Set;

/**
 * IPv4 and IPv6 addresses. IPv4: four decimal octets 0–255 without leading zeros, standing alone — not
 * part of a longer dotted sequence ({@code 1.2.3.4.5}, an OID), not right after a {@code v} or the words
 * "version", "release", "build" (so {@code v1.2.3.4} and "version 10.0.2.1" are versions, not hosts).
 * IPv6: a run of hex digits and colons (with an optional embedded IPv4 tail) that Bastion's own literal
 * parser accepts, with at least two colons; times ({@code 12:30:45}) and MAC addresses have the wrong
 * shape and are refused by the parser. Not caught: IPv4 in hex or octal notation, zone ids.
 */
public final class IpAddressDetector implements Detector {
    public static final String TYPE = "IP_ADDRESS";

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
            if (!hex(c) && c != ':') {
                i++;
                continue;
            }
            if (i > 0 && (Chars.wordChar(s.charAt(i - 1)) || s.charAt(i - 1) == '.' || s.charAt(i - 1) == ':')) {
                i++;
                continue;
            }
            int end = i;
            boolean colon = false;
            while (end < n && end - i < 45 && (hex(s.charAt(end)) || s.charAt(end) == ':' || s.charAt(end) == '.')) {
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
        // Words and numbers end here, before anything is copied: three dots, digits and dots only.
        if (count(s, from, end, '.') != 3 || end < s.length() && Chars.wordChar(s.charAt(end))) return -1;
        for (int k = from; k < end; k++) if (s.charAt(k) != '.' && !Chars.digit(s.charAt(k))) return -1;
        for (String p : s.substring(from, end).split("\\.", -1)) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) return -1;
        }
        if (from > 0 && (s.charAt(from - 1) == 'v' || s.charAt(from - 1) == 'V')) return -1;
        if (Chars.versionBefore(s, from)) return -1;
        return end;
    }

    private static int ipv6(String s, int from, int end) {
        if (count(s, from, end, ':') < 2 || end < s.length() && Chars.wordChar(s.charAt(end))) return -1;
        String t = s.substring(from, end);
        if (t.equals("::")) return -1;
        byte[] b = IpAddresses.parse(t);
        return b != null ? end : -1; // 4 bytes: an IPv4-mapped address, still an address
    }

    private static int count(String s, int from, int to, char c) {
        int n = 0;
        for (int k = from; k < to; k++) if (s.charAt(k) == c) n++;
        return n;
    }

    private static boolean hex(char c) {
        return Chars.digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
