package dev.bastion.limit;

import dev.bastion.state.BackendGuard;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.LimitsConfig;
import dev.bastion.config.RouteConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Caps on requests in flight at once (L6), per org, key, client, user or route. The slot is taken after
 * the rate limits and given back when the exchange ends however it ends — response sent, upstream
 * error, timeout or client disconnect — through {@link Exchange#onFinish}, so slots cannot leak.
 */
public final class ConcurrencyControl implements Control {
    private static final Verdict.Deny FULL = new Verdict.Deny(429, "concurrency_limited",
            "Too many requests in flight for this caller; retry when one finishes.", Map.of("Retry-After", "1"));
    private static final Verdict.Deny UNAVAILABLE = new Verdict.Deny(503, "rate_limit_unavailable",
            "Concurrency caps cannot be checked right now; retry shortly.", Map.of("Retry-After", "1"));

    private final String scope;
    private final List<RouteConfig.Concurrency> caps;
    private final ConcurrencyGate primary;
    private final ConcurrencyGate.Local local;
    private final LimitsConfig.FailureMode mode;
    private final BackendGuard guard;

    ConcurrencyControl(String scope, List<RouteConfig.Concurrency> caps, ConcurrencyGate primary, ConcurrencyGate.Local local,
                       LimitsConfig.FailureMode mode, BackendGuard guard) {
        this.scope = scope;
        this.caps = List.copyOf(caps);
        this.primary = primary;
        this.local = local;
        this.mode = mode;
        this.guard = guard;
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "concurrency";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        List<String> keys = new ArrayList<>(caps.size());
        List<Integer> maxes = new ArrayList<>(caps.size());
        for (RouteConfig.Concurrency c : caps) {
            String subject = Subjects.of(c.per(), ex);
            if (subject == null) return Future.failedFuture(new IllegalStateException("concurrency cap without a caller"));
            keys.add("bastion:cc:" + scope + ":" + c.per().key + ":" + subject);
            maxes.add(c.max());
        }
        Future<ConcurrencyGate.Lease> lease = guard == null ? primary.acquire(keys, maxes)
                : guard.call(() -> primary.acquire(keys, maxes),
                        () -> mode == LimitsConfig.FailureMode.LOCAL ? local.acquire(keys, maxes) : Future.succeededFuture(UNAVAILABLE_LEASE),
                        ConcurrencyGate.Lease::release); // a slot Redis granted too late is given straight back
        return lease.map(l -> {
            if (l == UNAVAILABLE_LEASE) return UNAVAILABLE;
            if (l == null) return FULL;
            ex.onFinish(l::release);
            return Verdict.ALLOW;
        });
    }

    private static final ConcurrencyGate.Lease UNAVAILABLE_LEASE = () -> {};
}
