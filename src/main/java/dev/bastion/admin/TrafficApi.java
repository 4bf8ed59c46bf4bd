package dev.bastion.admin;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.observe.AuditLog;
import dev.bastion.stats.TrafficSums;
import dev.bastion.store.StatsRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The console's overview (issue 21): {@code GET /admin/v1/stats/traffic} — requests, 5xx errors, refusals by the step
 * that refused and latency percentiles per point, summed over every node — and {@code GET /admin/v1/stats/summary},
 * the header tiles' totals. An operator sees any org or all of them; an org admin their own org only.
 */
public final class TrafficApi {
    public static final String TRAFFIC = "/admin/v1/stats/traffic";
    public static final String SUMMARY = "/admin/v1/stats/summary";
    private static final Set<String> TRAFFIC_PARAMS = Set.of("from", "to", "step", "org", "route");
    private static final Set<String> SUMMARY_PARAMS = Set.of("from", "to", "org");

    private final Vertx vertx;
    private final StatsRepository stats;
    private final AuditLog audit;
    private final Clock clock;

    public TrafficApi(Vertx vertx, StatsRepository stats, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.stats = stats;
        this.audit = audit;
        this.clock = clock;
    }

    public LocalEndpoint traffic() {
        return ex -> StatsRequest.run(vertx, ex, clock, TRAFFIC_PARAMS, r -> {
            AdminRole.OrgScope scope = r.scope();
            if (scope.foreign()) return StatsRequest.foreign(r, audit, "stats.traffic");
            Instant[] window = r.window(Duration.ofHours(1));
            String stepName = r.oneOf("step", StatsRequest.STEPS.keySet(), "1m");
            long step = StatsRequest.STEPS.get(stepName).toMillis();
            long[] points = StatsRequest.points(window[0], window[1], StatsRequest.STEPS.get(stepName));
            List<StatsRepository.Traffic> rows = stats.traffic(points[0], points[0] + points[1] * step, scope.org(), r.text("route"));
            JsonArray out = new JsonArray();
            long t = points[0];
            for (TrafficSums.Sum s : TrafficSums.series(rows, points[0], step, (int) points[1])) {
                out.add(new JsonObject().put("t", Instant.ofEpochMilli(t).toString()).put("requests", s.requests).put("errors", s.errors)
                        .put("refused", new JsonObject(new java.util.LinkedHashMap<>(s.refused.asMap()))).put("latency_ms", percentiles(s)));
                t += step;
            }
            return StatsRequest.answer(new JsonObject().put("step", stepName).put("org", scope.org()).put("points", out));
        });
    }

    public LocalEndpoint summary() {
        return ex -> StatsRequest.run(vertx, ex, clock, SUMMARY_PARAMS, r -> {
            AdminRole.OrgScope scope = r.scope();
            if (scope.foreign()) return StatsRequest.foreign(r, audit, "stats.summary");
            Instant[] window = r.window(Duration.ofHours(1));
            long[] minutes = StatsRequest.dayOfMinutes(window[0], window[1]);
            long from = minutes[0];
            long to = from + minutes[1] * 60_000;
            List<StatsRepository.Traffic> rows = stats.traffic(from, to, scope.org(), null);
            TrafficSums.Sum s = TrafficSums.total(rows, row -> true);
            Set<String> orgs = new HashSet<>();
            for (StatsRepository.Traffic row : rows) orgs.add(row.org());
            orgs.remove("-"); // nobody authenticated
            orgs.remove("other"); // the recorder's overflow
            long hour = 3_600_000;
            long keys = stats.activeKeys(Math.floorDiv(from, hour) * hour, to, scope.org());
            long refused = s.refusedTotal();
            return StatsRequest.answer(new JsonObject().put("from", Instant.ofEpochMilli(from).toString()).put("to", Instant.ofEpochMilli(to).toString())
                    .put("org", scope.org()).put("requests", s.requests).put("errors", s.errors).put("error_rate", rate(s.errors, s.requests))
                    .put("refused", refused).put("refusal_rate", rate(refused, s.requests))
                    .put("refused_by", new JsonObject(new java.util.LinkedHashMap<>(s.refused.asMap())))
                    .put("latency_ms", percentiles(s)).put("active_orgs", orgs.size()).put("active_keys", keys));
        });
    }

    /** p50, p95 and p99 in ms from the merged histogram; null without requests. */
    static JsonObject percentiles(TrafficSums.Sum s) {
        if (s.latency.total() == 0) return new JsonObject().putNull("p50").putNull("p95").putNull("p99");
        return new JsonObject().put("p50", s.latency.percentileMs(0.50)).put("p95", s.latency.percentileMs(0.95)).put("p99", s.latency.percentileMs(0.99));
    }

    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
