package dev.bastion.egress;

import dev.bastion.config.EgressProxyConfig;
import dev.bastion.config.ProxyRuleConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The egress proxy's ACLs (S2, S3), from {@code egress.proxy}: which rule applies to a caller (the first whose
 * orgs and roles match, else the default), and what that rule lets through — host patterns (deny wins), ports,
 * and the classes of address beyond {@code public} (the range table of {@link AddressClass}; every other class is
 * refused, {@code metadata} too unless a rule names it). Hosts are compared as the URL Standard spells them
 * ({@link Destination#canonicalHost}): lower case, IDNA, IPv4 in every spelling dotted, one trailing dot ignored.
 */
public final class ProxyAcl {
    /** Why a rule refuses a destination before any address is looked at. */
    public enum HostRefusal {
        DOMAIN_DENIED, DOMAIN_NOT_ALLOWED, PORT_NOT_ALLOWED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One rule, ready to match: patterns canonical, classes parsed. */
    public static final class Rule {
        private final String name;
        private final Set<String> orgs;
        private final Set<String> roles;
        private final List<DomainPattern> allow;
        private final List<DomainPattern> deny;
        private final Set<Integer> ports;
        private final Set<AddressClass> classes;
        private final boolean report;

        private Rule(ProxyRuleConfig c, String at) {
            this.name = c.name();
            this.orgs = Set.copyOf(c.orgs());
            this.roles = Set.copyOf(c.roles());
            this.allow = patterns(c.allow(), at + ".allow");
            this.deny = patterns(c.deny(), at + ".deny");
            this.ports = Set.copyOf(c.ports());
            EnumSet<AddressClass> cs = EnumSet.of(AddressClass.PUBLIC);
            for (String label : c.allowClasses()) cs.add(addressClass(label, at + ".allow_classes"));
            this.classes = cs;
            this.report = c.mode() == ProxyRuleConfig.Mode.REPORT;
        }

        public String name() {
            return name;
        }

        /** Report-only: a refusal by host or port is recorded and the connection goes ahead (address classes are always enforced). */
        public boolean report() {
            return report;
        }

        boolean applies(String org, Set<String> rolesAndScopes) {
            if (!orgs.isEmpty() && !orgs.contains(org)) return false;
            if (roles.isEmpty()) return true;
            for (String r : rolesAndScopes) if (roles.contains(r)) return true;
            return false;
        }

        /** Why {@code host:port} is refused by name or port, or null when it may be resolved and connected to. */
        public HostRefusal refusal(String host, int port) {
            String h = DomainPattern.canonical(host);
            if (DomainPattern.any(deny, h)) return HostRefusal.DOMAIN_DENIED;
            if (!DomainPattern.any(allow, h)) return HostRefusal.DOMAIN_NOT_ALLOWED;
            if (!ports.contains(port)) return HostRefusal.PORT_NOT_ALLOWED;
            return null;
        }

        /** The first class among {@code addresses} this rule may not reach, or null when it may reach them all. */
        public AddressClass addressRefusal(List<byte[]> addresses) {
            for (byte[] a : addresses) {
                AddressClass c = AddressClass.of(a);
                if (!classes.contains(c)) return c;
            }
            return null;
        }
    }

    private final Rule defaultRule;
    private final List<Rule> rules;

    private ProxyAcl(Rule defaultRule, List<Rule> rules) {
        this.defaultRule = defaultRule;
        this.rules = rules;
    }

    /** @throws IllegalArgumentException naming the key ({@code egress.proxy.rules[2].allow_classes}) of a pattern or class that is not one */
    public static ProxyAcl from(EgressProxyConfig config) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < config.rules().size(); i++) rules.add(new Rule(config.rules().get(i), "egress.proxy.rules[" + i + "]"));
        return new ProxyAcl(new Rule(config.defaultRule(), "egress.proxy.default"), List.copyOf(rules));
    }

    /** The rule for a caller of {@code org} holding {@code rolesAndScopes}: the first that matches, else the default. */
    public Rule ruleFor(String org, Set<String> rolesAndScopes) {
        for (Rule r : rules) if (r.applies(org, rolesAndScopes)) return r;
        return defaultRule;
    }

    private static AddressClass addressClass(String label, String at) {
        for (AddressClass c : AddressClass.values()) if (c.label().equals(label)) return c;
        throw new IllegalArgumentException(at + ": '" + label + "' is not an address class (expected one of docs/egress.md's range table: "
                + java.util.Arrays.stream(AddressClass.values()).map(AddressClass::label).toList() + ")");
    }

    private static List<DomainPattern> patterns(List<String> given, String at) {
        List<DomainPattern> out = new ArrayList<>();
        for (String p : given) {
            try {
                out.add(DomainPattern.parse(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }
}
