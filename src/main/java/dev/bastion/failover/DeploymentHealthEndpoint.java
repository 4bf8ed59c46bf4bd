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
 * fallback. Names and counts only.
 */
public final class DeploymentHealthEndpoint {
    private DeploymentHealthEndpoint() {}

    public static LocalEndpoint of(DeploymentHealthRegistry registry) {
        return ex -> {
            JsonArray out = new JsonArray();
            registry.all().stream().sorted(Comparator.comparing(DeploymentHealth::id)).forEach(h -> out.add(new JsonObject()
                    .put("deployment", h.id()).put("state", h.state()).put("in_flight", h.inFlight())
                    .put("succeeded", h.successes()).put("failed", h.failures())));
            boolean anyOpen = registry.all().stream().anyMatch(h -> !h.available());
            return Future.succeededFuture(LocalEndpoint.answer(200, Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
                    new JsonObject().put("status", anyOpen ? "degraded" : "ok").put("deployments", out).encode()));
        };
    }
}
