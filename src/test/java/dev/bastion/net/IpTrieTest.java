package dev.bastion.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpTrieTest {
    static IpTrie of(String... ranges) {
        IpTrie t = new IpTrie();
        for (String r : ranges) t.add(Cidr.parse(r));
        return t;
    }

    @Test
    void rangesOfBothFamiliesAndTheirEdges() {
        IpTrie t = of("203.0.113.0/24", "198.51.100.7", "2001:db8::/32", "10.0.0.0/8");
        assertThat(t.contains("203.0.113.0")).isTrue();
        assertThat(t.contains("203.0.113.255")).isTrue();
        assertThat(t.contains("203.0.114.0")).isFalse();
        assertThat(t.contains("198.51.100.7")).isTrue();
        assertThat(t.contains("198.51.100.8")).isFalse();
        assertThat(t.contains("2001:db8:ffff::1")).isTrue();
        assertThat(t.contains("2001:db9::1")).isFalse();
        assertThat(t.contains("::ffff:10.1.2.3")).as("IPv4-mapped IPv6 is the IPv4 address").isTrue();
        assertThat(t.contains("not an address")).isFalse();
        assertThat(t.contains((byte[]) null)).isFalse();
        assertThat(of("0.0.0.0/0").contains("8.8.8.8")).isTrue();
        assertThat(of("0.0.0.0/0").contains("2001:db8::1")).as("families are apart").isFalse();
        assertThat(of("::/0").contains("2001:db8::1")).isTrue();
    }

    @Test
    void aWiderRangeSwallowsNarrowerOnesInEitherOrder() {
        assertThat(of("10.1.0.0/16", "10.0.0.0/8").contains("10.200.0.1")).isTrue();
        assertThat(of("10.0.0.0/8", "10.1.0.0/16").contains("10.200.0.1")).isTrue();
    }

    @Test
    void agreesWithALinearScanOnRandomRangesAndAddresses() {
        Random rnd = new Random(42);
        List<Cidr> ranges = new ArrayList<>();
        IpTrie t = new IpTrie();
        for (int i = 0; i < 2000; i++) {
            boolean v6 = rnd.nextInt(4) == 0;
            byte[] a = new byte[v6 ? 16 : 4];
            rnd.nextBytes(a);
            int prefix = v6 ? 16 + rnd.nextInt(113) : 8 + rnd.nextInt(25);
            for (int bit = prefix; bit < a.length * 8; bit++) a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            Cidr c = new Cidr(a, prefix);
            ranges.add(c);
            t.add(c);
        }
        for (int i = 0; i < 20000; i++) {
            byte[] a;
            if (i % 2 == 0) { // near a range, to hit both sides of its edges
                Cidr c = ranges.get(rnd.nextInt(ranges.size()));
                a = c.network().clone();
                a[a.length - 1 - rnd.nextInt(Math.max(1, a.length / 2))] ^= (byte) (1 << rnd.nextInt(8));
            } else {
                a = new byte[rnd.nextInt(4) == 0 ? 16 : 4];
                rnd.nextBytes(a);
            }
            boolean linear = false;
            for (Cidr c : ranges) linear |= c.contains(a);
            assertThat(t.contains(a)).as(IpAddresses.format(a)).isEqualTo(linear);
        }
    }
}
