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
 * @param mediaUrls    which URLs in a prompt (an {@code image_url}, a file or audio URL) may reach a model
 *                     server, which fetches them itself — from inside the network when it is self-hosted
 */
public record EgressConfig(List<String> allowPrivate, EgressProxyConfig proxy, MediaUrls mediaUrls) {
    public static final EgressConfig DEFAULTS = new EgressConfig(null, null, null);

    /** URLs in prompts, for the model server to fetch (S1, docs/egress.md#urls-a-model-server-fetches). */
    public enum MediaUrls {
        /** http(s) URLs whose host resolves to public addresses only (or to {@code allow_private} ranges); data: URLs. */
        PUBLIC,
        /** data: URLs only: every image, file and audio part is sent inline. */
        INLINE,
        /**
         * Bastion fetches each http(s) URL itself, as {@code public} would let it pass and with every redirect checked,
         * and sends the model server its content as a data: URL: the server fetches nothing.
         */
        FETCH,
        /** Not checked. */
        ANY;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static MediaUrls of(String value) {
            for (MediaUrls m : values()) if (m.name().equalsIgnoreCase(value)) return m;
            throw new IllegalArgumentException("media_urls: '" + value + "' (expected: public, fetch, inline or any)");
        }
    }

    public EgressConfig {
        allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
        Cidr.parseAll("allow_private", allowPrivate); // fail at load
        proxy = proxy == null ? EgressProxyConfig.DEFAULTS : proxy;
        mediaUrls = mediaUrls == null ? MediaUrls.PUBLIC : mediaUrls;
    }

    public List<Cidr> allowPrivateRanges() {
        return Cidr.parseAll("allow_private", allowPrivate);
    }
}
