package dev.bastion.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpAddressesSubscriberTest {
    @Test
    void ipv4IsItselfIpv6IsItsSlash64InOneSpelling() {
        assertThat(IpAddresses.subscriber("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(IpAddresses.subscriber("::ffff:203.0.113.7")).as("IPv4-mapped").isEqualTo("203.0.113.7");
        assertThat(IpAddresses.subscriber("2001:0db8:0001:0002:dead:beef:0:1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddresses.subscriber("[2001:db8:1:2::5]")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddresses.subscriber("2001:db8:1:2::/64")).as("its own output").isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddresses.subscriber("::1")).isEqualTo("::/64");
        assertThat(IpAddresses.subscriber("example.com")).isNull();
        assertThat(IpAddresses.subscriber(null)).isNull();
    }
}
