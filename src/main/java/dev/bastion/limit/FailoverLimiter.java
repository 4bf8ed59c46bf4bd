package dev.bastion.limit;

import dev.bastion.state.BackendGuard;
import dev.bastion.config.LimitsConfig;
import io.vertx.core.Future;
import java.util.List;

/**
 * Redis limits with the deployment's explicit failure mode (L5): {@code local} answers from this node's
 * own counters while Redis is unavailable, {@code deny} refuses (503). See {@link BackendGuard}.
 */
final class FailoverLimiter implements Limiter {
    private final Limiter primary;
    private final LocalLimiter local;
    private final LimitsConfig.FailureMode mode;
    private final BackendGuard guard;

    FailoverLimiter(Limiter primary, LocalLimiter local, LimitsConfig.FailureMode mode, BackendGuard guard) {
        this.primary = primary;
        this.local = local;
        this.mode = mode;
        this.guard = guard;
    }

    @Override
    public Future<Decision> acquire(List<Policy> policies, List<String> keys) {
        return guard.call(() -> primary.acquire(policies, keys),
                () -> mode == LimitsConfig.FailureMode.LOCAL ? local.acquire(policies, keys) : Future.succeededFuture(Decision.UNAVAILABLE));
    }
}
