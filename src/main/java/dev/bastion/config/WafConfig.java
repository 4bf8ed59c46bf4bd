package dev.bastion.config;

/**
 * Request inspection (W1–W7).
 *
 * @param ipLists client addresses allowed and refused before any other work (W3)
 * @param geo     countries allowed and refused, from a MaxMind DB file (W5); absent: none
 * @param rules   the inspection rules and how they decide (W1, W2, W4)
 */
public record WafConfig(IpListsConfig ipLists, GeoConfig geo, WafRulesConfig rules) {
    public static final WafConfig DEFAULTS = new WafConfig(null, null, null);

    public WafConfig {
        ipLists = ipLists == null ? IpListsConfig.NONE : ipLists;
        rules = rules == null ? WafRulesConfig.DEFAULTS : rules;
    }
}
