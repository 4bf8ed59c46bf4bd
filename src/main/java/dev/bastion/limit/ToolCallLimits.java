package dev.bastion.limit;

import dev.bastion.chain.Identity;
import dev.bastion.config.McpConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * MCP tool calls counted against a route's {@code mcp.limits}, through the gateway's one limiter (Redis when configured,
 * so every instance shares the counters; this process otherwise). A counter is keyed by route, limit, tool and caller —
 * never by session or connection, so reconnecting resets nothing. All matching limits are taken at once, all or none.
 */
public final class ToolCallLimits {
    private final Limiter limiter;

    ToolCallLimits(Limiter limiter) {
        this.limiter = limiter;
    }

    /**
     * What the limiter said about one call.
     *
     * @param allowed        every matching limit had room (and one unit was taken from each)
     * @param unavailable    the shared backend could not decide and the failure mode refuses
     * @param retryAfterSecs when the first exhausted limit has room again (refusals)
     * @param limited        the names of the limits that counted this call
     */
    public record Outcome(boolean allowed, boolean unavailable, long retryAfterSecs, List<String> limited) {}

    /** Takes one call of {@code tool} by {@code caller} from every limit of {@code limits} that covers it. */
    public Future<Outcome> take(String routeId, List<McpConfig.ToolLimit> limits, String tool, Identity caller) {
        List<Policy> policies = new ArrayList<>(2);
        List<String> keys = new ArrayList<>(2);
        List<String> names = new ArrayList<>(1);
        for (McpConfig.ToolLimit l : limits) {
            if (!l.covers(tool)) continue;
            String subject = caller == null ? null : caller.key(l.per().key);
            if (subject == null) return Future.failedFuture(new IllegalStateException("tool limit without a caller")); // fail closed
            names.add(l.name());
            String key = "bastion:rl:mcp:" + routeId + ":" + l.name() + ":" + tool + ":" + subject;
            if (l.rate() != null) {
                policies.add(new Policy(l.name(), false, l.rate().count(), l.rate().period().toMillis(), l.rate().count()));
                keys.add(key + ":rate");
            }
            if (l.quota() != null) {
                policies.add(new Policy(l.name() + "-quota", false, l.quota().count(), l.quota().period().toMillis(), l.quota().count()));
                keys.add(key + ":quota");
            }
        }
        if (policies.isEmpty()) return Future.succeededFuture(new Outcome(true, false, 0, List.of()));
        return limiter.acquire(policies, keys).map(d -> {
            if (d.unavailable()) return new Outcome(false, true, 1, names);
            if (d.allowed()) return new Outcome(true, false, 0, names);
            long retryMs = 0;
            for (int i = 0; i < policies.size(); i++) if (d.remaining()[i] <= 0) retryMs = Math.max(retryMs, d.resetMs()[i]);
            return new Outcome(false, false, Math.max(1, (retryMs + 999) / 1000), names);
        });
    }
}
