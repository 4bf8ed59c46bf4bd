package dev.bastion.egress;

import dev.bastion.net.Cidr;
import dev.bastion.net.IpTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What kind of network an IP address belongs to: the one maintained range table of the egress policy.
 * IPv6 forms that carry an IPv4 address — IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96},
 * NAT64 {@code 64:ff9b::/96} and {@code 64:ff9b:1::/48}, 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}
 * — are classified by the IPv4 address they lead to, so {@code ::169.254.169.254} is {@link #METADATA}.
 * The JDK's {@code InetAddress.isSiteLocalAddress()} and friends miss most of these.
 */
public enum AddressClass {
    /** Cloud instance metadata: AWS, GCP, Azure, OpenStack {@code 169.254.169.254}, AWS {@code fd00:ec2::254}, Alibaba {@code 100.100.100.200}, Azure's wire server {@code 168.63.129.16}. */
    METADATA("169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32", "168.63.129.16/32"),
    LOOPBACK("127.0.0.0/8", "::1/128"),
    UNSPECIFIED("0.0.0.0/8", "::/128"),
    BROADCAST("255.255.255.255/32"),
    /** RFC 1918, and IPv6 site-local (deprecated, still private). */
    PRIVATE("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fec0::/10"),
    LINK_LOCAL("169.254.0.0/16", "fe80::/10"),
    /** Carrier-grade NAT, RFC 6598. */
    CGNAT("100.64.0.0/10"),
    /** IPv6 unique local addresses, RFC 4193. */
    UNIQUE_LOCAL("fc00::/7"),
    MULTICAST("224.0.0.0/4", "ff00::/8"),
    /** RFC 5737 and RFC 3849 / RFC 9637. */
    DOCUMENTATION("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"),
    /** RFC 2544 and RFC 5180. */
    BENCHMARKING("198.18.0.0/15", "2001:2::/48"),
    /** 240/4, IETF protocol assignments, the 6to4 relay anycast, the IPv6 discard prefix, and every IPv6 address outside 2000::/3. */
    RESERVED("240.0.0.0/4", "192.0.0.0/24", "192.88.99.0/24", "100::/64"),
    PUBLIC;

    private final List<Cidr> ranges;
    private final IpTrie trie = new IpTrie();

    AddressClass(String... ranges) {
        List<Cidr> parsed = new ArrayList<>();
        for (String r : ranges) {
            Cidr c = Cidr.parse(r);
            parsed.add(c);
            trie.add(c);
        }
        this.ranges = List.copyOf(parsed);
    }

    /** The ranges of this class in the table (empty for {@link #PUBLIC}, which is what no range covers). */
    public List<Cidr> ranges() {
        return ranges;
    }

    /** The name in refusals, metrics and config: {@code link_local}, {@code metadata}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final AddressClass[] ORDER = values(); // METADATA first: it lies inside LINK_LOCAL, CGNAT and ULA
    private static final Cidr GLOBAL_UNICAST_V6 = Cidr.parse("2000::/3");

    /** The class of a 4- or 16-byte address. */
    public static AddressClass of(byte[] address) {
        if (address.length == 16) {
            byte[] v4 = embeddedIpv4(address);
            if (v4 != null) return of(v4);
        } else if (address.length != 4) {
            throw new IllegalArgumentException("address: " + address.length + " bytes (expected: 4 or 16)");
        }
        for (AddressClass c : ORDER) if (c.trie.contains(address)) return c;
        if (address.length == 16 && !GLOBAL_UNICAST_V6.contains(address)) return RESERVED;
        return PUBLIC;
    }

    /**
     * The IPv4 address an IPv6 transition form leads to, or null. {@code ::} and {@code ::1} are not
     * IPv4-compatible: they are the IPv6 unspecified and loopback addresses.
     */
    static byte[] embeddedIpv4(byte[] a) {
        if (zero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) return slice(a, 12); // ::ffff:a.b.c.d
        if (zero(a, 0, 12) && !(zero(a, 12, 15) && (a[15] == 0 || a[15] == 1))) return slice(a, 12); // ::a.b.c.d
        if (prefix(a, 0x00, 0x64, 0xff, 0x9b) && zero(a, 4, 12)) return slice(a, 12); // NAT64 64:ff9b::/96
        if (prefix(a, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
            // Local-use NAT64 (RFC 8215): the operator picks the prefix length, so take the stricter reading of
            // the /96 and the /48 embedding (RFC 6052: bits 48-63 and 72-87).
            byte[] as96 = slice(a, 12);
            byte[] as48 = {a[6], a[7], a[9], a[10]};
            if (zero(a, 12, 16)) return as48; // nothing in the /96 position
            return of(as96) != PUBLIC ? as96 : as48;
        }
        if (prefix(a, 0x20, 0x02)) return new byte[] {a[2], a[3], a[4], a[5]}; // 6to4 2002:AABB:CCDD::/48
        if (prefix(a, 0x20, 0x01, 0x00, 0x00)) { // Teredo: the client's address, every bit inverted
            return new byte[] {(byte) ~a[12], (byte) ~a[13], (byte) ~a[14], (byte) ~a[15]};
        }
        return null;
    }

    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) if (a[i] != 0) return false;
        return true;
    }

    private static boolean prefix(byte[] a, int... bytes) {
        for (int i = 0; i < bytes.length; i++) if ((a[i] & 0xff) != bytes[i]) return false;
        return true;
    }

    private static byte[] slice(byte[] a, int from) {
        return java.util.Arrays.copyOfRange(a, from, from + 4);
    }
}
