package dev.bastion.config;

import java.util.List;
import java.util.Locale;

/**
 * One ACL of the egress proxy ({@code egress.proxy.default} or an entry of {@code egress.proxy.rules}).
 * A rule applies to a caller whose org is in {@code orgs} and who holds one of {@code roles} (as a role or a
 * scope of the verified credential); an empty list matches any. A destination passes when its host matches
 * {@code allow} and no {@code deny} entry (deny wins), its port is in {@code ports}, and every address it
 * resolves to is public or of a class in {@code allowClasses}.
 *
 * @param name         the rule's name in records and metrics; {@code default} for the default rule
 * @param orgs         org ids this rule applies to; empty: any org
 * @param roles        roles or scopes, one of which the caller must hold; empty: any caller
 * @param allow        host patterns: {@code api.example.com} (exactly that host), {@code *.example.com} (every
 *                     subdomain, not the apex), {@code *} (any host); IP literals only as exact entries
 * @param deny         host patterns as {@code allow}; a match refuses whatever {@code allow} says
 * @param ports        destination ports allowed; default 443 and 80
 * @param allowClasses address classes other than {@code public} this rule may reach ({@code private},
 *                     {@code loopback}, {@code metadata}, …: the labels of docs/egress.md's range table); default none
 * @param mode         {@code enforce} (default) refuses; {@code report} lets a host or port the rule does not
 *                     allow through and records that it would have been refused (address classes are enforced in
 *                     both modes)
 */
public record ProxyRuleConfig(String name, List<String> orgs, List<String> roles, List<String> allow, List<String> deny, List<Integer> ports,
                              List<String> allowClasses, Mode mode) {
    public enum Mode {
        ENFORCE, REPORT;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Mode of(String value) {
            for (Mode m : values()) if (m.name().equalsIgnoreCase(value)) return m;
            throw new IllegalArgumentException("mode: '" + value + "' (expected: enforce or report)");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ProxyRuleConfig {
        orgs = orgs == null ? List.of() : List.copyOf(orgs);
        roles = roles == null ? List.of() : List.copyOf(roles);
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        ports = ports == null ? List.of(443, 80) : List.copyOf(ports);
        allowClasses = allowClasses == null ? List.of() : List.copyOf(allowClasses);
        mode = mode == null ? Mode.ENFORCE : mode;
        if (name != null && !name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: lower-case letters, digits, '_', '.', '-'; up to 64)");
        }
        for (Integer p : ports) {
            if (p == null || p < 1 || p > 65535) throw new IllegalArgumentException("ports: " + p + " (expected: 1..65535)");
        }
        for (String h : allow) requirePattern("allow", h);
        for (String h : deny) requirePattern("deny", h);
    }

    private static void requirePattern(String key, String pattern) {
        if (pattern == null || pattern.isBlank()) throw new IllegalArgumentException(key + ": an empty host pattern");
        if (pattern.lastIndexOf('*') > 0 || (pattern.startsWith("*") && !pattern.equals("*") && !pattern.startsWith("*."))) {
            throw new IllegalArgumentException(key + ": '" + pattern + "' (expected: a host, '*.' followed by a domain, or '*')");
        }
    }
}
