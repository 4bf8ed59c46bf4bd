package dev.bastion.failover;

import dev.bastion.chain.LocalEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;

/**
 * {@code GET /health/deployments} on the admin listener (U5): each model deployment's breaker state,
 * requests in flight and attempts so far — what an operator looks at when answers start coming from the
 * fallback. Names and counts only. A breaker that is not closed says who opened it: {@code "opened_by":
 * "local"} (its own attempts failed) or {@code "peer"} (another instance announced it, through Redis).
 */
public final class DeploymentHealthEndpoint {
    private DeploymentHealthEndpoint() {}

    public static LocalEndpoint of(DeploymentHealthRegistry registry) {
        return ex -> {
            JsonArray out = new JsonArray();
            registry.all().stream().sorted(Comparator.comparing(DeploymentHealth::id)).forEach(h -> {
                String state = h.state();
                JsonObject d = new JsonObject().put("deployment", h.id()).put("state", state);
                if (!state.equals("closed")) d.put("opened_by", h.openedBy() == DeploymentHealth.Origin.PEER ? "peer" : "local");
                out.add(d.put("in_flight", h.inFlight()).put("succeeded", h.successes()).put("failed", h.failures()));
            });
            boolean anyOpen = registry.all().stream().anyMatch(h -> !h.available());
            return Future.succeededFuture(LocalEndpoint.answer(200, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                    new JsonObject().put("status", anyOpen ? "degraded" : "ok").put("deployments", out).encode()));
        };
    }
}
