package dev.bastion.config;

/**
 * Request inspection (W1–W7).
 *
 * @param ipLists client addresses allowed and refused before any other work (W3)
 * @param geo     countries allowed and refused, from a MaxMind DB file (W5); absent: none
 */
public record WafConfig(IpListsConfig ipLists, GeoConfig geo) {
    public static final WafConfig DEFAULTS = new WafConfig(null, null);

    public WafConfig {
        ipLists = ipLists == null ? IpListsConfig.NONE : ipLists;
    }
}
