package dev.bastion.state;

import dev.bastion.config.BastionConfig;
import dev.bastion.config.LimitsConfig;
import java.time.Duration;

/**
 * Where the state of limits, budgets, concurrency caps and idempotency keys lives, decided once from
 * {@code limits.backend}: in this process, or in Redis shared by every instance — then with the
 * deployment's explicit failure mode ({@code on_backend_failure}) for when Redis is unreachable.
 *
 * @param redis     commands to the shared store; null when state is kept in this process
 * @param onFailure what to do while Redis is unreachable
 * @param timeout   longest wait for a Redis answer before it counts as a failure
 * @param probeInterval how often an open circuit is probed, and waiting writes are sent again
 */
public record SharedState(RedisScript.Sender redis, LimitsConfig.FailureMode onFailure, Duration timeout, Duration probeInterval) {
    /** @param pipe the process's pipe to Redis; null when {@code redis.url} is not set */
    public static SharedState of(BastionConfig config, RedisPipe pipe) {
        LimitsConfig lc = config.limits();
        boolean shared = lc.backend() == LimitsConfig.Backend.REDIS || (lc.backend() == LimitsConfig.Backend.AUTO && pipe != null);
        if (shared && pipe == null) throw new IllegalStateException("limits.backend: redis needs redis.url");
        return new SharedState(shared ? pipe.sender() : null, lc.failureMode(config.prod()), lc.backendTimeout(),
                lc.backendProbeInterval());
    }

    /** In this process only (tests, single node). */
    public static SharedState local() {
        return new SharedState(null, LimitsConfig.FailureMode.LOCAL, Duration.ofMillis(250), Duration.ofSeconds(1));
    }

    public boolean shared() {
        return redis != null;
    }

    /** Whether to answer from this node's own state (rather than refuse) while Redis is unreachable. */
    public boolean fallBackToLocal() {
        return onFailure == LimitsConfig.FailureMode.LOCAL;
    }

    /** A guard for one kind of call to Redis; null when state is local. */
    public BackendGuard guard(String name) {
        return shared() ? new BackendGuard(name, timeout, probeInterval, redis) : null;
    }
}
