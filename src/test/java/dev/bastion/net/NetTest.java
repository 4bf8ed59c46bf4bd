package dev.bastion.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetTest {
    @ParameterizedTest(name = "{0} in {1}: {2}")
    @CsvSource({
            "10.1.2.3, 10.0.0.0/8, true",
            "11.0.0.1, 10.0.0.0/8, false",
            "100.64.0.1, 100.64.0.0/10, true",
            "100.128.0.1, 100.64.0.0/10, false",   // just outside CGNAT
            "192.168.1.1, 192.168.1.1, true",
            "::1, ::1/128, true",
            "fd00::1, fc00::/7, true",
            "fe80::1, fc00::/7, false",
            "::ffff:10.1.1.1, 10.0.0.0/8, true",   // IPv4-mapped folds to IPv4
            "2001:db8::1, 10.0.0.0/8, false"})
    void cidrContains(String ip, String cidr, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(IpAddresses.parse(ip))).isEqualTo(expected);
    }

    @Test
    void parsingNeverResolvesNames() {
        assertThat(IpAddresses.parse("localhost")).isNull();
        assertThat(IpAddresses.parse("example.com")).isNull();
        assertThat(IpAddresses.parse("1.2.3")).isNull();
        assertThat(IpAddresses.canonical("[2001:DB8:0:0::1]")).isEqualTo("2001:db8::1");
    }

    @Test
    void malformedRangesAreRefused() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8")).hasMessageContaining("host bits set");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Cidr.parse("ten.0.0.0/8")).hasMessageContaining("not an IP address");
    }
}
