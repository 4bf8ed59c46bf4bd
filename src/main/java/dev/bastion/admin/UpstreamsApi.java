package dev.bastion.admin;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ModelConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.failover.DeploymentHealthRegistry;
import dev.bastion.stats.TrafficSums;
import dev.bastion.store.StatsRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The console's upstreams (issue 21), {@code GET /admin/v1/upstreams}, for operators: every upstream of the running
 * config with its kind and host (never a key or a path), each model deployment on it with its breaker state, and for
 * the window ({@code from}/{@code to}, default the last hour) requests, 5xx errors by code and latency from the traffic
 * history of every node. A deployment's figures are the requests it answered; a plain upstream's those of the routes
 * that forward to it.
 */
public final class UpstreamsApi {
    public static final String PATH = "/admin/v1/upstreams";
    private static final Set<String> PARAMS = Set.of("from", "to");

    private final Vertx vertx;
    private final StatsRepository stats;
    private final Supplier<BastionConfig> running;
    private final DeploymentHealthRegistry health;
    private final Clock clock;

    public UpstreamsApi(Vertx vertx, StatsRepository stats, Supplier<BastionConfig> running, DeploymentHealthRegistry health, Clock clock) {
        this.vertx = vertx;
        this.stats = stats;
        this.running = running;
        this.health = health;
        this.clock = clock;
    }

    public LocalEndpoint list() {
        return ex -> StatsRequest.run(vertx, ex, clock, PARAMS, r -> {
            Instant[] window = r.window(Duration.ofHours(1));
            long[] minutes = StatsRequest.dayOfMinutes(window[0], window[1]);
            List<StatsRepository.Traffic> rows = stats.traffic(minutes[0], minutes[0] + minutes[1] * 60_000, null, null);
            BastionConfig config = running.get();
            Map<String, List<String>> deployments = new TreeMap<>();
            Map<String, Set<String>> providers = new TreeMap<>();
            for (Map.Entry<String, ModelConfig> m : config.models().entrySet()) {
                for (ModelConfig.Deployment d : m.getValue().deployments()) {
                    deployments.computeIfAbsent(d.upstream(), k -> new java.util.ArrayList<>()).add(d.upstream() + "/" + (d.model() == null ? m.getKey() : d.model()));
                    providers.computeIfAbsent(d.upstream(), k -> new TreeSet<>()).add(d.provider().name().toLowerCase(java.util.Locale.ROOT));
                }
            }
            JsonArray items = new JsonArray();
            for (Map.Entry<String, UpstreamConfig> u : new TreeMap<>(config.upstreams()).entrySet()) {
                String name = u.getKey();
                Set<String> routes = new TreeSet<>();
                for (RouteConfig route : config.routes()) if (name.equals(route.upstream())) routes.add(route.id());
                JsonArray deps = new JsonArray();
                for (String id : new TreeSet<>(deployments.getOrDefault(name, List.of()))) {
                    JsonObject d = new JsonObject().put("id", id).put("breaker", health.knows(id) ? health.of(id).state() : "closed");
                    deps.add(figures(d, TrafficSums.total(rows, t -> t.deployment().equals(id))));
                }
                Predicate<StatsRepository.Traffic> own = t -> t.deployment().isEmpty() && routes.contains(t.route());
                JsonObject item = new JsonObject().put("name", name).put("kind", providers.containsKey(name) ? String.join(",", providers.get(name)) : "http")
                        .put("host", u.getValue().url().getHost()).put("routes", new JsonArray(List.copyOf(routes))).put("deployments", deps);
                items.add(figures(item, TrafficSums.total(rows, own.or(t -> t.deployment().startsWith(name + "/")))));
            }
            return StatsRequest.answer(new JsonObject().put("from", window[0].toString()).put("to", window[1].toString()).put("items", items)
                    .putNull("next_cursor"));
        });
    }

    private static JsonObject figures(JsonObject into, TrafficSums.Sum s) {
        JsonObject latency = s.latency.total() == 0 ? new JsonObject().putNull("p50").putNull("p99")
                : new JsonObject().put("p50", s.latency.percentileMs(0.5)).put("p99", s.latency.percentileMs(0.99));
        return into.put("requests", s.requests).put("errors", s.errors).put("errors_by_code", new JsonObject(new java.util.LinkedHashMap<>(s.errorCodes.asMap())))
                .put("latency_ms", latency);
    }
}
