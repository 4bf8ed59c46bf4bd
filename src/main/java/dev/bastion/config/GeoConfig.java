package dev.bastion.config;

import java.time.Duration;
import java.util.List;

/**
 * Country rules on the client address (W5), from a MaxMind DB file ({@code GeoLite2-Country.mmdb},
 * {@code GeoIP2-Country.mmdb}, or any database in that format with {@code country.iso_code}). The file is
 * re-opened when it changes (the usual weekly update) without a restart; a file that cannot be opened
 * keeps the database in force.
 *
 * @param database       the database file; required
 * @param deny           ISO 3166-1 alpha-2 codes refused ({@code KP}, {@code IR})
 * @param allow          when not empty, only these countries pass
 * @param onUnknown      an address the database has no country for (private ranges, new allocations):
 *                       {@code allow} (default) or {@code deny}
 * @param reloadInterval how often the file is checked for changes; default 1m, at least 1s
 */
public record GeoConfig(String database, List<String> deny, List<String> allow, OnUnknown onUnknown, Duration reloadInterval) {
    public enum OnUnknown {
        @com.fasterxml.jackson.annotation.JsonProperty("allow") ALLOW,
        @com.fasterxml.jackson.annotation.JsonProperty("deny") DENY
    }

    public GeoConfig {
        if (database == null || database.isBlank()) throw new IllegalArgumentException("database: missing (a MaxMind DB file, e.g. /var/lib/GeoIP/GeoLite2-Country.mmdb)");
        deny = codes("deny", deny);
        allow = codes("allow", allow);
        onUnknown = onUnknown == null ? OnUnknown.ALLOW : onUnknown;
        reloadInterval = reloadInterval == null ? Duration.ofMinutes(1) : reloadInterval;
        if (reloadInterval.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("reload_interval: " + Durations.format(reloadInterval) + " (expected: >= 1s)");
        if (deny.isEmpty() && allow.isEmpty()) throw new IllegalArgumentException("deny, allow: at least one country (a database with no rule does nothing)");
    }

    private static List<String> codes(String key, List<String> codes) {
        if (codes == null) return List.of();
        for (int i = 0; i < codes.size(); i++) {
            String c = codes.get(i);
            if (c == null || !c.matches("[A-Z]{2}")) throw new IllegalArgumentException(key + "[" + i + "]: '" + c + "' (expected: an ISO 3166-1 alpha-2 code in capitals, e.g. KP)");
        }
        return List.copyOf(codes);
    }
}
