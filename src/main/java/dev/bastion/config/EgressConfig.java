package dev.bastion.config;

import dev.bastion.net.Cidr;
import java.util.List;

/**
 * The egress policy's settings (S1). Every outbound connection goes to a public address, or to a host the
 * config names (upstreams, issuers and their JWKS, the classifier), or to a range listed here; cloud
 * metadata addresses only when listed here.
 *
 * @param allowPrivate CIDR ranges any outbound call may reach although they are not public
 *                     ({@code 10.20.0.0/16} for a discovered JWKS endpoint inside the VPC, say)
 */
public record EgressConfig(List<String> allowPrivate) {
    public static final EgressConfig DEFAULTS = new EgressConfig(null);

    public EgressConfig {
        allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
        Cidr.parseAll("allow_private", allowPrivate); // fail at load
    }

    public List<Cidr> allowPrivateRanges() {
        return Cidr.parseAll("allow_private", allowPrivate);
    }
}
