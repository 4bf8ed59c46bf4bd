package dev.bastion.idempotency;

import dev.bastion.chain.Control;
import dev.bastion.config.RouteConfig;
import dev.bastion.state.BackendGuard;
import dev.bastion.state.SharedState;
import io.vertx.core.Future;

/**
 * The idempotency keys of one gateway: in this process, or in Redis with the deployment's failure mode
 * ({@code local}: this node's own keys while Redis is unreachable; {@code deny}: 503).
 */
public final class IdempotencyStores {
    /** Responses kept in this process, in bytes, across all keys; the least recently used go first. */
    static final long LOCAL_MAX_BYTES = 256L * 1024 * 1024;

    /** Where a claim was made (completion and release go to the same place); unavailable when refused. */
    record Claim(IdempotencyStore store, Entry existing, boolean unavailable) {}

    private final IdempotencyStore shared;
    private final LocalIdempotencyStore local = new LocalIdempotencyStore(LOCAL_MAX_BYTES);
    private final BackendGuard guard;
    private final boolean fallBackToLocal;

    private IdempotencyStores(SharedState state) {
        this.shared = state.shared() ? new RedisIdempotencyStore(state.redis()) : null;
        this.guard = state.guard("idempotency");
        this.fallBackToLocal = state.fallBackToLocal();
    }

    public static IdempotencyStores create(SharedState state) {
        return new IdempotencyStores(state);
    }

    /** The route's idempotency control, or null when it does not enable keys. */
    public Control forRoute(RouteConfig route) {
        return route.idempotency() == null ? null : new IdempotencyControl(route.id(), route.idempotency(), this);
    }

    Future<Claim> claim(String key, Entry.Pending pending, long leaseMs) {
        if (shared == null) return local.claim(key, pending, leaseMs).map(e -> new Claim(local, e, false));
        return guard.call(() -> shared.claim(key, pending, leaseMs).map(e -> new Claim(shared, e, false)),
                () -> fallBackToLocal ? local.claim(key, pending, leaseMs).map(e -> new Claim(local, e, false))
                        : Future.succeededFuture(new Claim(null, null, true)),
                late -> {
                    if (late.existing() == null) shared.release(key, pending); // claimed too late to be used: give it back
                });
    }

    public long backendFailures() {
        return guard == null ? 0 : guard.failures();
    }

    /** Counts answers the failure mode gave while Redis was unreachable. */
    public void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        if (guard != null) guard.registerMetric(registry);
    }
}
