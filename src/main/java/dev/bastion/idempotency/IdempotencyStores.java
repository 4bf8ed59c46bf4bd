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
    private final ResponseSealer sealer;

    private IdempotencyStores(SharedState state, ResponseSealer sealer) {
        this.sealer = sealer;
        this.shared = state.shared() ? new RedisIdempotencyStore(state.redis()) : null;
        this.guard = state.guard("idempotency");
        this.fallBackToLocal = state.fallBackToLocal();
    }

    public static IdempotencyStores create(SharedState state) {
        return new IdempotencyStores(state, null);
    }

    /**
     * With responses kept in Redis sealed by {@code sealer}. Those kept in this process are not: they live in the
     * same memory as the unwrapped data keys, so sealing them would protect nothing from whoever can read it.
     */
    public static IdempotencyStores create(SharedState state, ResponseSealer sealer) {
        return new IdempotencyStores(state, sealer);
    }

    /** The outcome as {@code store} keeps it: a response sealed for {@code key} when it goes to Redis and a sealer is set. */
    Future<Entry> sealFor(IdempotencyStore store, String orgId, String key, Entry outcome) {
        if (sealer == null || store != shared || !(outcome instanceof Entry.Done d)) return Future.succeededFuture(outcome);
        return sealer.seal(orgId, key, d.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)).map(b -> new Entry.Sealed(d.fingerprint(), b));
    }

    /** The claim with a sealed entry opened. */
    Future<Claim> opened(Claim claim, String key) {
        if (!(claim.existing() instanceof Entry.Sealed s)) return Future.succeededFuture(claim);
        if (sealer == null) return Future.failedFuture(new IllegalStateException("a sealed idempotency entry, and no data protection to open it"));
        return sealer.open(key, s.sealed()).map(b -> new Claim(claim.store(), Entry.decode(new String(b, java.nio.charset.StandardCharsets.UTF_8)), false));
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
