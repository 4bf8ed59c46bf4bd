package dev.bastion.config;

import java.time.Duration;

/**
 * @param cacheTtl  how long a verified key (or a miss) is trusted without asking the store; this bounds
 *                  how long a revoked key keeps working on a node; default 5s, at most 60s
 * @param cacheSize most keys held in memory; default 100000
 */
public record ApiKeysConfig(Duration cacheTtl, Long cacheSize) {
    public ApiKeysConfig {
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(5) : cacheTtl;
        cacheSize = cacheSize == null ? 100_000L : cacheSize;
        if (cacheTtl.isNegative() || cacheTtl.isZero() || cacheTtl.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("cache_ttl: " + Durations.format(cacheTtl) + " (expected: 1ms..60s, revocation must take effect within it)");
        }
        if (cacheSize < 1) throw new IllegalArgumentException("cache_size: " + cacheSize + " (expected: > 0)");
    }
}
