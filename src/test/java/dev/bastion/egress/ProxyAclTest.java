package dev.bastion.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.EgressProxyConfig;
import dev.bastion.config.ProxyRuleConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The egress proxy's ACL semantics, without a network: which rule applies, which hosts, ports and classes it lets through. */
class ProxyAclTest {
    private static ProxyRuleConfig rule(String name, List<String> orgs, List<String> roles, List<String> allow, List<String> deny,
                                        List<String> classes, ProxyRuleConfig.Mode mode) {
        return new ProxyRuleConfig(name, orgs, roles, allow, deny, null, classes, mode);
    }

    private static final ProxyAcl ACL = ProxyAcl.from(new EgressProxyConfig(
            rule(null, null, null, List.of("*.example.com", "Exact.Example.ORG.", "*.BÜCHER.example", "2130706433", "[::ffff:10.0.0.1]"),
                    List.of("evil.example.com", "*.bad.example.com"), null, null),
            List.of(rule("acme-workers", List.of("acme"), List.of("worker"), List.of("*"), List.of(), List.of("private"), null),
                    rule("acme", List.of("acme"), null, List.of("*.acme.test"), null, null, ProxyRuleConfig.Mode.REPORT),
                    rule("scanners", null, List.of("scan"), List.of("*"), null, List.of("metadata"), null)),
            null, null, null));

    @Test
    void theFirstMatchingRuleAppliesElseTheDefault() {
        assertThat(ACL.ruleFor("acme", Set.of("worker")).name()).isEqualTo("acme-workers");
        assertThat(ACL.ruleFor("acme", Set.of("invoke")).name()).isEqualTo("acme");
        assertThat(ACL.ruleFor("acme", Set.of("invoke")).report()).isTrue();
        assertThat(ACL.ruleFor("globex", Set.of("worker")).name()).isEqualTo("default"); // acme's rules are acme's
        assertThat(ACL.ruleFor("globex", Set.of("scan")).name()).isEqualTo("scanners");
        assertThat(ACL.ruleFor("globex", Set.of()).name()).isEqualTo("default");
    }

    @Test
    void hostPatterns() {
        ProxyAcl.Rule d = ACL.ruleFor("x", Set.of());
        assertThat(d.refusal("api.example.com", 443)).isNull();
        assertThat(d.refusal("a.b.example.com", 80)).isNull();
        assertThat(d.refusal("API.Example.Com.", 443)).isNull(); // case and one trailing dot do not matter
        assertThat(d.refusal("example.com", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_NOT_ALLOWED); // the apex is not a subdomain
        assertThat(d.refusal("example.com.evil.test", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_NOT_ALLOWED);
        assertThat(d.refusal("notexample.com", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_NOT_ALLOWED);
        assertThat(d.refusal("exact.example.org", 443)).isNull();
        assertThat(d.refusal("sub.exact.example.org", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_NOT_ALLOWED);
        // deny wins, in every spelling
        assertThat(d.refusal("evil.example.com", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_DENIED);
        assertThat(d.refusal("EVIL.example.com.", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_DENIED);
        assertThat(d.refusal("x.bad.example.com", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_DENIED);
        // IDNA: the pattern and the host meet as ASCII
        assertThat(d.refusal("shop.xn--bcher-kva.example", 443)).isNull();
        assertThat(d.refusal("shop.bücher.example", 443)).isNull();
        // IP literals only as exact entries, compared canonically: 2130706433 is 127.0.0.1
        assertThat(d.refusal("127.0.0.1", 443)).isNull();
        assertThat(d.refusal("0x7f.1", 443)).isNull();
        assertThat(d.refusal("::ffff:a00:1", 443)).isNull();
        assertThat(d.refusal("127.0.0.2", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_NOT_ALLOWED);
        // ports: 443 and 80 unless listed
        assertThat(d.refusal("api.example.com", 22)).isEqualTo(ProxyAcl.HostRefusal.PORT_NOT_ALLOWED);
        // a subdomain wildcard never matches an IP literal
        ProxyAcl numeric = ProxyAcl.from(new EgressProxyConfig(rule(null, null, null, List.of("*.1"), null, null, null), null, null, null, null));
        assertThat(numeric.ruleFor("x", Set.of()).refusal("127.0.0.1", 443)).isEqualTo(ProxyAcl.HostRefusal.DOMAIN_NOT_ALLOWED);
    }

    @Test
    void addressClassesBeyondPublicOnlyWhenARuleNamesThem() {
        byte[] pub = {8, 8, 8, 8}, priv = {10, 0, 0, 5}, metadata = {(byte) 169, (byte) 254, (byte) 169, (byte) 254},
                linkLocal = {(byte) 169, (byte) 254, 1, 1}, loop = {127, 0, 0, 1};
        ProxyAcl.Rule d = ACL.ruleFor("x", Set.of());
        assertThat(d.addressRefusal(List.of(pub))).isNull();
        assertThat(d.addressRefusal(List.of(pub, priv))).isEqualTo(AddressClass.PRIVATE); // every address counts
        assertThat(d.addressRefusal(List.of(loop))).isEqualTo(AddressClass.LOOPBACK);
        ProxyAcl.Rule workers = ACL.ruleFor("acme", Set.of("worker"));
        assertThat(workers.addressRefusal(List.of(priv, pub))).isNull();
        assertThat(workers.addressRefusal(List.of(metadata))).isEqualTo(AddressClass.METADATA); // private does not open metadata
        ProxyAcl.Rule scanners = ACL.ruleFor("y", Set.of("scan"));
        assertThat(scanners.addressRefusal(List.of(metadata))).isNull(); // named explicitly
        assertThat(scanners.addressRefusal(List.of(linkLocal))).isEqualTo(AddressClass.LINK_LOCAL); // metadata does not open link-local
    }

    @Test
    void anUnknownClassOrHostIsAConfigErrorNamingItsKey() {
        assertThatThrownBy(() -> ProxyAcl.from(new EgressProxyConfig(null, List.of(rule("a", null, null, null, null, List.of("privat"), null)),
                null, null, null))).hasMessageContaining("egress.proxy.rules[0].allow_classes: 'privat' is not an address class");
        assertThatThrownBy(() -> ProxyAcl.from(new EgressProxyConfig(rule(null, null, null, List.of("bad host"), null, null, null), null, null, null, null)))
                .hasMessageContaining("egress.proxy.default.allow: 'bad host' is not a host");
    }
}
