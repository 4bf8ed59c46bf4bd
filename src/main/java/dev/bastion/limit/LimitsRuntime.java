package dev.bastion.limit;

import dev.bastion.state.BackendGuard;
import dev.bastion.state.SharedState;
import dev.bastion.chain.Control;
import dev.bastion.chain.Stage;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.LimitsConfig;
import dev.bastion.config.Rate;
import dev.bastion.config.RouteConfig;
import dev.bastion.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The limits of one gateway: where counters live (this process, or Redis with a failure mode), the tier
 * directory, and the controls for each route. Built once at start.
 */
public final class LimitsRuntime {
    /** In-flight slots held in Redis expire on their own after this, should a node die mid-request. */
    static final long CONCURRENCY_LEASE_MS = Duration.ofMinutes(10).toMillis();

    private final BastionConfig config;
    private final Limiter limiter;
    private final LocalLimiter local = new LocalLimiter();
    private final ConcurrencyGate gate;
    private final ConcurrencyGate.Local localGate = new ConcurrencyGate.Local();
    private final BackendGuard limiterGuard;
    private final BackendGuard gateGuard;
    private final TierDirectory tiers;
    private final boolean shared;
    private final LimitsConfig.FailureMode failureMode;
    private final Control perIp;

    private LimitsRuntime(BastionConfig config, Store store, Executor storeExecutor, SharedState state) {
        this.config = config;
        this.shared = state.shared();
        this.limiterGuard = state.guard("rate_limits");
        this.gateGuard = state.guard("concurrency");
        this.failureMode = state.onFailure();
        if (shared) {
            this.limiter = new FailoverLimiter(new RedisLimiter(state.redis()), local, state.onFailure(), limiterGuard);
            this.gate = new ConcurrencyGate.Shared(state.redis(), CONCURRENCY_LEASE_MS, gateGuard.redelivery());
        } else {
            this.limiter = local;
            this.gate = localGate;
        }
        LimitsConfig lc = config.limits();
        this.tiers = lc.tiers().isEmpty() ? null : new TierDirectory(store, storeExecutor, Duration.ofSeconds(5), lc);
        Rate rate = lc.perIpRate();
        this.perIp = rate == null ? null : new RateLimitControl(Stage.EDGE, "edge",
                List.of(new RouteConfig.Limit(RouteConfig.LimitKey.IP, rate, null, "ip")), List.of(), null, limiter);
    }

    /**
     * The per-address limit of the admin listener, counted on each node by itself (never through Redis: with Redis down
     * and {@code on_backend_failure: deny}, the operator would lose health, metrics and the incident switches exactly when
     * they are needed); null when {@code rate} is null.
     */
    public Control adminPerIp(Rate rate) {
        return rate == null ? null : new RateLimitControl(Stage.EDGE, "admin",
                List.of(new RouteConfig.Limit(RouteConfig.LimitKey.IP, rate, null, "ip")), List.of(), null, local);
    }

    public static LimitsRuntime create(BastionConfig config, Store store, Executor storeExecutor, SharedState state) {
        return new LimitsRuntime(config, store, storeExecutor, state);
    }

    /** Counters for MCP tool calls ({@code mcp.limits}), on the same limiter as the routes'. */
    public ToolCallLimits toolCalls() {
        return new ToolCallLimits(limiter);
    }

    /** Whether counters are shared through Redis. */
    public boolean shared() {
        return shared;
    }

    /** Counts of decisions the failure mode answered because Redis was unreachable. */
    public void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        if (limiterGuard != null) limiterGuard.registerMetric(registry);
        if (gateGuard != null) gateGuard.registerMetric(registry);
    }

    /** Decisions answered by the fallback because Redis was unavailable (metrics). */
    public long backendFailures() {
        return (limiterGuard == null ? 0 : limiterGuard.failures()) + (gateGuard == null ? 0 : gateGuard.failures());
    }

    /**
     * The per-IP limit of the public listener (W4), checked before authentication and counted across all
     * its routes (one counter per address, not per route); null when it is off.
     */
    public Control perIp() {
        return perIp;
    }

    /** The caller's plan (its key's, else its org's, else the default tier); null when it has none or no tiers are configured. */
    public io.vertx.core.Future<String> tierOf(dev.bastion.chain.Identity id) {
        if (tiers == null || id == null) return io.vertx.core.Future.succeededFuture(null);
        return tiers.of(id).map(TierDirectory.Assignment::tier);
    }

    /** The route's rate-limit and concurrency controls, in stage order (possibly none). */
    public List<Control> forRoute(RouteConfig route) {
        List<Control> out = new ArrayList<>(2);
        List<RouteConfig.Limit> limits = new ArrayList<>(route.limits());
        if (!route.publicRoute()) limits.addAll(config.limits().defaults());
        boolean withTiers = route.tiers() && tiers != null;
        if (!limits.isEmpty() || !route.mutations().isEmpty() || withTiers) {
            out.add(new RateLimitControl(Stage.LIMIT, route.id(), limits, route.mutations(), withTiers ? tiers : null, limiter));
        }
        if (!route.concurrency().isEmpty()) {
            out.add(new ConcurrencyControl(route.id(), route.concurrency(), gate, localGate, failureMode, gateGuard));
        }
        return out;
    }
}
