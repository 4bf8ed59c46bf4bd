package dev.bastion.net;

/**
 * A set of CIDR ranges, IPv4 and IPv6, looked up in time bounded by the address length (32 or 128 bit
 * steps) however many ranges it holds: a binary trie over the address bits, one per family. An IPv4-mapped
 * IPv6 address ({@code ::ffff:a.b.c.d}) is looked up as the IPv4 address it carries, so one entry covers
 * both spellings. Built once, then read-only: safe to share between threads.
 */
public final class IpTrie {
    private final Node v4 = new Node();
    private final Node v6 = new Node();
    private int size;

    private static final class Node {
        Node zero, one;
        boolean terminal; // a range ends here: every address below matches
    }

    public void add(Cidr range) {
        byte[] net = range.network();
        Node n = net.length == 4 ? v4 : v6;
        for (int bit = 0; bit < range.prefixLength() && !n.terminal; bit++) {
            boolean one = (net[bit / 8] & (0x80 >>> (bit % 8))) != 0;
            if (one) n = n.one == null ? (n.one = new Node()) : n.one;
            else n = n.zero == null ? (n.zero = new Node()) : n.zero;
        }
        if (!n.terminal) {
            n.terminal = true;
            n.zero = n.one = null; // a wider range swallows the narrower ones below it
        }
        size++;
    }

    /** How many ranges were added (including ones a wider range swallowed). */
    public int size() {
        return size;
    }

    public boolean contains(byte[] address) {
        if (address == null) return false;
        if (address.length == 16 && v4Mapped(address)) address = java.util.Arrays.copyOfRange(address, 12, 16);
        Node n = address.length == 4 ? v4 : address.length == 16 ? v6 : null;
        if (n == null) return false;
        int bits = address.length * 8;
        for (int bit = 0; ; bit++) {
            if (n.terminal) return true;
            if (bit == bits) return false;
            n = (address[bit / 8] & (0x80 >>> (bit % 8))) != 0 ? n.one : n.zero;
            if (n == null) return false;
        }
    }

    public boolean contains(String address) {
        return contains(IpAddresses.parse(address));
    }

    private static boolean v4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
