package dev.bastion.limit;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig.Limit;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rate limits (L1–L5): a route's limits, its stricter {@code mutations} limits for POST/PUT/PATCH/DELETE,
 * the deployment's defaults and the caller's tier — all taken in one atomic step from the
 * {@link Limiter} (this process, or Redis shared by every instance). Every response carries
 * {@code RateLimit-Policy} and {@code RateLimit} (IETF httpapi draft); an exhausted limit answers 429
 * with {@code Retry-After}. With Redis unreachable and {@code on_backend_failure: deny}: 503.
 */
public final class RateLimitControl implements Control {
    private static final Verdict.Deny UNAVAILABLE = new Verdict.Deny(503, "rate_limit_unavailable",
            "Rate limits cannot be checked right now; retry shortly.", Map.of("Retry-After", "1"));

    private final Stage stage;
    private final String scope;
    private final List<Policy> always;
    private final List<Limit> alwaysLimits;
    private final List<Policy> mutations;
    private final List<Limit> mutationLimits;
    /** Each limit's counter-key prefix ({@code bastion:rl:SCOPE:NAME:}), built once: a request adds only its subject. */
    private final String[] alwaysPrefixes;
    private final String[] mutationPrefixes;
    private final TierDirectory tiers;
    private final Limiter limiter;

    /**
     * @param scope     names the counters (route id, or {@code edge} for the per-IP default)
     * @param tiers     resolves the caller's tier; null when tier limits do not apply here
     */
    RateLimitControl(Stage stage, String scope, List<Limit> limits, List<Limit> mutations, TierDirectory tiers, Limiter limiter) {
        this.stage = stage;
        this.scope = scope;
        this.alwaysLimits = List.copyOf(limits);
        this.always = limits.stream().map(Policy::of).toList();
        this.mutationLimits = List.copyOf(mutations);
        this.mutations = mutations.stream().map(Policy::of).toList();
        this.alwaysPrefixes = this.always.stream().map(p -> "bastion:rl:" + scope + ":" + p.name() + ":").toArray(String[]::new);
        this.mutationPrefixes = this.mutations.stream().map(p -> "bastion:rl:" + scope + ":" + p.name() + ":").toArray(String[]::new);
        this.tiers = tiers;
        this.limiter = limiter;
    }

    @Override
    public Stage stage() {
        return stage;
    }

    @Override
    public String name() {
        return stage == Stage.EDGE ? "rate_limit_ip" : "rate_limit";
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        List<Policy> policies = new ArrayList<>(always.size() + 4);
        List<String> keys = new ArrayList<>(always.size() + 4);
        if (!add(ex, alwaysLimits, always, alwaysPrefixes, policies, keys)) return Future.failedFuture(new IllegalStateException("limit without a caller"));
        if (isMutation(ex.method()) && !add(ex, mutationLimits, mutations, mutationPrefixes, policies, keys)) {
            return Future.failedFuture(new IllegalStateException("limit without a caller"));
        }
        if (tiers == null || ex.identity() == null) return decide(ex, policies, keys);
        return tiers.of(ex.identity()).compose(assignment -> {
            for (Policy p : assignment.plan()) {
                policies.add(p);
                // Per plan, not per route: a pro org has 1,000/min across all its routes.
                keys.add("bastion:rl:tier:" + assignment.tier() + ":" + p.name() + ":" + assignment.assignee());
            }
            return decide(ex, policies, keys);
        });
    }

    private boolean add(Exchange ex, List<Limit> limits, List<Policy> ps, String[] prefixes, List<Policy> policies, List<String> keys) {
        for (int i = 0; i < limits.size(); i++) {
            String subject = Subjects.of(limits.get(i).per(), ex);
            if (subject == null) return false; // fail closed: a limit must never silently not apply
            String key = prefixes[i].concat(subject);
            if (keys.contains(key)) continue; // the same limit declared twice (route and defaults) counts once
            policies.add(ps.get(i));
            keys.add(key);
        }
        return true;
    }

    private Future<Verdict> decide(Exchange ex, List<Policy> policies, List<String> keys) {
        if (policies.isEmpty()) return Verdict.ALLOWED;
        return limiter.acquire(policies, keys).map(d -> {
            if (d.unavailable()) return UNAVAILABLE;
            headers(ex.responseHeaders(), policies, d);
            if (d.allowed()) return Verdict.ALLOW;
            long retryMs = 0;
            for (int i = 0; i < policies.size(); i++) if (d.remaining()[i] <= 0) retryMs = Math.max(retryMs, d.resetMs()[i]);
            long seconds = Math.max(1, (retryMs + 999) / 1000);
            return new Verdict.Deny(429, "rate_limited", "Too many requests; retry after " + seconds + "s.", Map.of("Retry-After", Long.toString(seconds)));
        });
    }

    /** {@code RateLimit-Policy: "name";q=100;w=60} and {@code RateLimit: "name";r=42;t=17}, one item per limit. */
    static void headers(MultiMap h, List<Policy> policies, Decision d) {
        StringBuilder policy = new StringBuilder();
        StringBuilder state = new StringBuilder();
        for (int i = 0; i < policies.size(); i++) {
            Policy p = policies.get(i);
            if (i > 0) {
                policy.append(", ");
                state.append(", ");
            }
            policy.append('"').append(p.name()).append("\";q=").append(p.capacity()).append(";w=").append(Math.max(1, p.periodMs() / 1000));
            state.append('"').append(p.name()).append("\";r=").append(Math.max(0, d.remaining()[i]))
                    .append(";t=").append(Math.max(0, (d.resetMs()[i] + 999) / 1000));
        }
        append(h, "RateLimit-Policy", policy.toString());
        append(h, "RateLimit", state.toString());
    }

    private static void append(MultiMap h, String name, String value) {
        String existing = h.get(name);
        h.set(name, existing == null ? value : existing + ", " + value);
    }

    private static boolean isMutation(HttpMethod m) {
        return m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE;
    }
}
