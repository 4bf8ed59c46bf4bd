package dev.bastion.config;

import dev.bastion.net.Cidr;
import java.util.List;

/**
 * The egress policy's settings (S1), and the egress proxy's ACLs (S2, S3). Every outbound connection of
 * Bastion's own goes to a public address, or to a host the config names (upstreams, issuers and their JWKS,
 * the classifier), or to a range listed here; cloud metadata addresses only when listed here.
 *
 * @param allowPrivate CIDR ranges any outbound call may reach although they are not public
 *                     ({@code 10.20.0.0/16} for a discovered JWKS endpoint inside the VPC, say)
 * @param proxy        the ACLs of the egress proxy listener ({@code listeners.egress}); {@code allow_private}
 *                     does not apply to it: its rules name what their callers may reach
 */
public record EgressConfig(List<String> allowPrivate, EgressProxyConfig proxy) {
    public static final EgressConfig DEFAULTS = new EgressConfig(null, null);

    public EgressConfig {
        allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
        Cidr.parseAll("allow_private", allowPrivate); // fail at load
        proxy = proxy == null ? EgressProxyConfig.DEFAULTS : proxy;
    }

    public List<Cidr> allowPrivateRanges() {
        return Cidr.parseAll("allow_private", allowPrivate);
    }
}
