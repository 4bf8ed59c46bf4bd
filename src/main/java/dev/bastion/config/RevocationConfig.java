package dev.bastion.config;

import java.time.Duration;

/** @param pollInterval how often each node reads new revocations from the store (the path that works without Redis); default 1s.
 *                     A revocation takes effect within this interval on every node, or at once where Redis is configured */
public record RevocationConfig(Duration pollInterval) {
    public RevocationConfig {
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        EdgeConfig.requirePositive("poll_interval", pollInterval);
    }
}
