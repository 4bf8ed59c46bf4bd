package dev.bastion.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every range of the table, reached through a URL in the spellings attackers use. */
class AddressClassTest {

    private static AddressClass classOf(String url) {
        WhatwgUrl.Host host = WhatwgUrl.parse(url).host();
        return switch (host) {
            case WhatwgUrl.Ipv4 v4 -> AddressClass.of(v4.bytes());
            case WhatwgUrl.Ipv6 v6 -> AddressClass.of(v6.bytes());
            default -> throw new AssertionError(url + " has no IP host: " + host);
        };
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = ' ', value = {
            // loopback, in every IPv4 spelling the URL Standard accepts
            "http://127.0.0.1/ LOOPBACK", "http://2130706433/ LOOPBACK", "http://0177.0.0.1/ LOOPBACK", "http://0x7f.1/ LOOPBACK",
            "http://127.1/ LOOPBACK", "http://0x7f000001/ LOOPBACK", "http://017700000001/ LOOPBACK", "http://127.0.1/ LOOPBACK",
            "http://0x7F.0.0.0x1/ LOOPBACK", "http://127.255.255.254/ LOOPBACK", "http://%31%32%37.0.0.1/ LOOPBACK", "http://127.0.0.1./ LOOPBACK",
            "http://１２７.０.０.１/ LOOPBACK", "http://[::1]/ LOOPBACK", "http://[0:0:0:0:0:0:0:1]/ LOOPBACK", "http://[::ffff:127.0.0.1]/ LOOPBACK",
            "http://[::ffff:7f00:1]/ LOOPBACK", "http://[::127.0.0.1]/ LOOPBACK", "http://[64:ff9b::127.0.0.1]/ LOOPBACK", "http://[2002:7f00:1::]/ LOOPBACK",
            // the parser differentials: a backslash ends the authority, the last @ starts the host
            "http://127.0.0.1\\@1.1.1.1/ LOOPBACK", "http://1.1.1.1@127.0.0.1/ LOOPBACK", "http://1.1.1.1:80@127.0.0.1/ LOOPBACK", "http://a@b@127.0.0.1/ LOOPBACK",
            // metadata
            "http://169.254.169.254/ METADATA", "http://2852039166/ METADATA", "http://0xa9fea9fe/ METADATA", "http://0251.0376.0251.0376/ METADATA",
            "http://169.254.43518/ METADATA", "http://0xa9.0xfe.0xa9.0xfe/ METADATA", "http://[::169.254.169.254]/ METADATA", "http://[::ffff:169.254.169.254]/ METADATA",
            "http://[::ffff:a9fe:a9fe]/ METADATA", "http://[64:ff9b::a9fe:a9fe]/ METADATA", "http://[64:ff9b:1::169.254.169.254]/ METADATA",
            "http://[64:ff9b:1:a9fe:a9:fe00::]/ METADATA", "http://[2002:a9fe:a9fe::1]/ METADATA", "http://[2001:0:4136:e378:8000:63bf:5601:5601]/ METADATA",
            "http://[fd00:ec2::254]/ METADATA", "http://100.100.100.200/ METADATA", "http://168.63.129.16/ METADATA",
            // private, CGNAT, link-local, ULA
            "http://10.0.0.1/ PRIVATE", "http://10.1/ PRIVATE", "http://012.0.0.1/ PRIVATE", "http://167772161/ PRIVATE", "http://172.16.0.1/ PRIVATE",
            "http://172.31.255.255/ PRIVATE", "http://192.168.1.1/ PRIVATE", "http://0xc0.0xa8.1.1/ PRIVATE", "http://[::10.0.0.1]/ PRIVATE",
            "http://[::ffff:10.0.0.1]/ PRIVATE", "http://[64:ff9b::10.0.0.1]/ PRIVATE", "http://[2002:c0a8:101::]/ PRIVATE", "http://[fec0::1]/ PRIVATE",
            "http://100.64.0.1/ CGNAT", "http://100.127.255.255/ CGNAT", "http://[::ffff:100.64.0.1]/ CGNAT",
            "http://169.254.1.1/ LINK_LOCAL", "http://[fe80::1]/ LINK_LOCAL", "http://[febf::1]/ LINK_LOCAL",
            "http://[fc00::1]/ UNIQUE_LOCAL", "http://[fd12:3456::1]/ UNIQUE_LOCAL",
            // unspecified, broadcast, multicast, documentation, benchmarking, reserved
            "http://0.0.0.0/ UNSPECIFIED", "http://0/ UNSPECIFIED", "http://0.1.2.3/ UNSPECIFIED", "http://[::]/ UNSPECIFIED", "http://[::0.0.0.2]/ UNSPECIFIED",
            "http://255.255.255.255/ BROADCAST", "http://4294967295/ BROADCAST", "http://0xffffffff/ BROADCAST",
            "http://224.0.0.1/ MULTICAST", "http://239.255.255.250/ MULTICAST", "http://[ff02::1]/ MULTICAST",
            "http://192.0.2.1/ DOCUMENTATION", "http://198.51.100.7/ DOCUMENTATION", "http://203.0.113.9/ DOCUMENTATION", "http://[2001:db8::1]/ DOCUMENTATION",
            "http://[3fff::1]/ DOCUMENTATION", "http://198.18.0.1/ BENCHMARKING", "http://198.19.255.255/ BENCHMARKING", "http://[2001:2::1]/ BENCHMARKING",
            "http://240.0.0.1/ RESERVED", "http://192.0.0.170/ RESERVED", "http://192.88.99.1/ RESERVED", "http://[100::1]/ RESERVED", "http://[4000::1]/ RESERVED",
            // public, including transition forms of public addresses and the edges of private ranges
            "http://1.1.1.1/ PUBLIC", "http://8.8.8.8/ PUBLIC", "http://134744072/ PUBLIC", "http://172.32.0.1/ PUBLIC", "http://172.15.255.255/ PUBLIC",
            "http://100.128.0.1/ PUBLIC", "http://169.253.255.255/ PUBLIC", "http://192.169.0.1/ PUBLIC", "http://198.20.0.1/ PUBLIC",
            "http://[2606:4700::1111]/ PUBLIC", "http://[::ffff:8.8.8.8]/ PUBLIC", "http://[64:ff9b::8.8.8.8]/ PUBLIC", "http://[2002:808:808::]/ PUBLIC",
            "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/ PUBLIC",
    })
    void classifiesEverySpelling(String url, AddressClass expected) {
        assertThat(classOf(url)).isEqualTo(expected);
    }

    @Test
    void everyRangeOfTheTableClassifiesItsFirstAndLastAddressAsItself() {
        List<String> wrong = new ArrayList<>();
        for (AddressClass c : AddressClass.values()) {
            for (Cidr range : c.ranges()) {
                byte[] first = range.network();
                byte[] last = first.clone();
                for (int bit = range.prefixLength(); bit < last.length * 8; bit++) last[bit / 8] |= (byte) (0x80 >>> (bit % 8));
                boolean transition = first.length == 16 && AddressClass.embeddedIpv4(first) != null;
                if (!transition && AddressClass.of(first) != c) wrong.add(range + " first is " + AddressClass.of(first));
                if (!transition && AddressClass.of(last) != c && !range.equals(Cidr.parse("240.0.0.0/4")) /* its last is the broadcast address */) {
                    wrong.add(range + " last is " + AddressClass.of(last));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void zoneIdsAndMalformedLiteralsAreNoHost() {
        for (String bad : List.of("http://[fe80::1%25eth0]/", "http://[fe80::1%eth0]/", "http://256.0.0.1/", "http://1.2.3.4.5/", "http://0x100000000/",
                "http://[::1/", "http://[::ffff:127.1]/", "http://[::01.2.3.4]/", "http://a b/", "http://a%00b/", "http://a<b/")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> WhatwgUrl.parse(bad)).as(bad).isInstanceOf(WhatwgUrl.Invalid.class);
        }
    }
}
