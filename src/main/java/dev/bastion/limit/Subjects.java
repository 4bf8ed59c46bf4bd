package dev.bastion.limit;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.RouteConfig.LimitKey;
import dev.bastion.net.IpAddresses;

/** Whose counter a limit uses for a request. */
final class Subjects {
    private Subjects() {}

    private static String subscriber(String ip) {
        String s = IpAddresses.subscriber(ip);
        return s != null ? s : ip;
    }

    /**
     * The counter's owner, or null when the limit needs a caller and there is none. A caller without the
     * named kind of credential (an API-key caller on a {@code per: user} limit of a mixed route) is counted
     * by its own credential, so no limit is ever inert for a caller the route admits.
     */
    static String of(LimitKey per, Exchange ex) {
        Identity id = ex.identity();
        return switch (per) {
            case IP -> "ip:" + subscriber(ex.clientIp()); // an IPv6 caller by its /64: one address each would be no limit
            case ROUTE -> "route";
            case ORG, USER, CLIENT, API_KEY -> id == null ? null : id.key(per.key);
        };
    }
}
