package dev.bastion.config;

import dev.bastion.net.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * Which client addresses may reach the public listener at all (W3), checked before any other work on a
 * request. Ranges are IPv4 or IPv6 CIDRs ({@code 203.0.113.0/24}, {@code 2001:db8::/32}) or single
 * addresses. Files hold one range per line; {@code #} starts a comment. Files are re-read when they change,
 * without a restart; a file that cannot be read or parsed keeps the lists it replaced (and says why on
 * stderr), so a bad edit never opens or closes the gate by accident.
 *
 * @param allow          when any allow range is configured (here or in files), only addresses in them pass
 * @param deny           addresses refused; deny wins over allow
 * @param allowFiles     files of allow ranges
 * @param denyFiles      files of deny ranges (a reputation feed, an incident block list)
 * @param reloadInterval how often files are checked for changes; default 10s, at least 1s
 */
public record IpListsConfig(List<String> allow, List<String> deny, List<String> allowFiles, List<String> denyFiles, Duration reloadInterval) {
    public static final IpListsConfig NONE = new IpListsConfig(null, null, null, null, null);

    public IpListsConfig {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        allowFiles = allowFiles == null ? List.of() : List.copyOf(allowFiles);
        denyFiles = denyFiles == null ? List.of() : List.copyOf(denyFiles);
        check("allow", allow);
        check("deny", deny);
        reloadInterval = reloadInterval == null ? Duration.ofSeconds(10) : reloadInterval;
        if (reloadInterval.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("reload_interval: " + Durations.format(reloadInterval) + " (expected: >= 1s)");
    }

    private static void check(String key, List<String> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            try {
                Cidr.parse(ranges.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "[" + i + "]: " + e.getMessage());
            }
        }
    }

    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty() && allowFiles.isEmpty() && denyFiles.isEmpty();
    }
}
