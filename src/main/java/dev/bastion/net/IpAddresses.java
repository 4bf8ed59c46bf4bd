package dev.bastion.net;

import io.netty.util.NetUtil;

/**
 * IP literals to bytes, without ever asking DNS. {@link java.net.InetAddress#getByName} would resolve a
 * host name given where an address belongs (an attacker-chosen {@code X-Forwarded-For} value, say);
 * this parser only accepts literals.
 */
public final class IpAddresses {
    private IpAddresses() {}

    /** The 4 or 16 bytes of an IPv4 or IPv6 literal, or {@code null} when the text is not one. */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) return null;
        String t = text;
        if (t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']') t = t.substring(1, t.length() - 1);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(t);
        if (bytes == null) return null;
        // Netty maps IPv4-mapped IPv6 (::ffff:a.b.c.d) to 16 bytes; fold to the IPv4 form so that one
        // address has one spelling for lists, limits and logs.
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            return v4;
        }
        return bytes;
    }

    /** The canonical text of an address: dotted quad, or RFC 5952 compressed IPv6. */
    public static String format(byte[] bytes) {
        return NetUtil.bytesToIpAddress(bytes);
    }

    /** Canonical text of a literal, or {@code null} when it is not one. */
    public static String canonical(String text) {
        byte[] b = parse(text);
        return b == null ? null : format(b);
    }

    /**
     * Whom an address stands for when requests are counted or blocked: an IPv4 address itself, an IPv6 address
     * its /64 network ({@code 2001:db8:1:2::/64}). A subscriber is given at least a /64 and may send from any of its
     * 2^64 addresses, so counted address by address a per-IP limit, a bot-rate check or an automatic block would be
     * one address change away. Accepts its own output; null when the text is neither.
     */
    public static String subscriber(String text) {
        String t = text != null && text.endsWith("/64") ? text.substring(0, text.length() - 3) : text;
        byte[] b = parse(t);
        if (b == null) return null;
        if (b.length == 4) return format(b);
        java.util.Arrays.fill(b, 8, 16, (byte) 0);
        return format(b) + "/64";
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
