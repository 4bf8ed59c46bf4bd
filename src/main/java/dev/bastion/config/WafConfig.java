package dev.bastion.config;

/**
 * Request inspection (W1–W7).
 *
 * @param ipLists client addresses allowed and refused before any other work (W3)
 */
public record WafConfig(IpListsConfig ipLists) {
    public static final WafConfig DEFAULTS = new WafConfig(null);

    public WafConfig {
        ipLists = ipLists == null ? IpListsConfig.NONE : ipLists;
    }
}
