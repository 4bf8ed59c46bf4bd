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
import java.util.Map;
import java.util.Set;

/**
 * The console's security events (issue 21), {@code GET /admin/v1/security/summary}: counts only, never content. Audit
 * events by type (SQL aggregation over the trail's indexed columns; cross-tenant attempts and incident switches among
 * them), and the decisions of every request from the traffic history — WAF rules matched, guard detector types, bot
 * actions — since the WAF's audit events are sampled and a guard's flag or redaction is not an event at all.
 */
public final class SecurityApi {
    public static final String PATH = "/admin/v1/security/summary";
    private static final Set<String> PARAMS = Set.of("from", "to", "org");

    private final Vertx vertx;
    private final StatsRepository stats;
    private final AuditLog audit;
    private final Clock clock;
    /** The WAF rules' paranoia levels by id; empty when the rules are off. */
    private final Map<Integer, Integer> paranoia;

    public SecurityApi(Vertx vertx, StatsRepository stats, AuditLog audit, Clock clock, Map<Integer, Integer> paranoia) {
        this.vertx = vertx;
        this.stats = stats;
        this.audit = audit;
        this.clock = clock;
        this.paranoia = Map.copyOf(paranoia);
    }

    /** The rule's paranoia level, or null for a rule the running rule set no longer has. */
    private Integer paranoia(String rule) {
        try {
            return paranoia.get(Integer.valueOf(rule));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public LocalEndpoint summary() {
        return ex -> StatsRequest.run(vertx, ex, clock, PARAMS, r -> {
            AdminRole.OrgScope scope = r.scope();
            if (scope.foreign()) return StatsRequest.foreign(r, audit, "security.summary");
            Instant[] window = r.window(Duration.ofDays(1));
            // the decisions are read from the minutes' rows: a week of them at most
            StatsRequest.points(window[0], window[1], Duration.ofMinutes(7), "from", "the window may span at most 7 days");
            long from = window[0].toEpochMilli();
            long to = window[1].toEpochMilli();
            Map<String, Long> events = stats.auditCounts(from, to, scope.org());
            // traffic rows are by the minute: the minutes the window touches
            TrafficSums.Sum s = TrafficSums.total(stats.traffic(Math.floorDiv(from, 60_000L) * 60_000L, to, scope.org(), null), row -> true);
            JsonArray waf = new JsonArray();
            JsonArray guard = new JsonArray();
            JsonArray bots = new JsonArray();
            for (Map.Entry<String, Long> d : s.decisions.asMap().entrySet()) {
                String[] part = d.getKey().split(":", 3);
                switch (part[0]) {
                    case "waf" -> waf.add(new JsonObject().put("rule", part[1]).put("paranoia", paranoia(part[1])).put("action", part[2])
                            .put("count", d.getValue()));
                    case "guard", "guard_answer" -> guard.add(new JsonObject().put("part", part[0].equals("guard") ? "request" : "answer")
                            .put("type", part[1]).put("action", part[2]).put("count", d.getValue()));
                    case "bot" -> bots.add(new JsonObject().put("action", part[1]).put("count", d.getValue()));
                    default -> { } // a kind this version does not know: left out rather than guessed
                }
            }
            return StatsRequest.answer(new JsonObject().put("from", window[0].toString()).put("to", window[1].toString()).put("org", scope.org())
                    .put("events", new JsonObject(new java.util.LinkedHashMap<>(events))).put("waf", waf).put("guard", guard).put("bots", bots)
                    .put("refused_by", new JsonObject(new java.util.LinkedHashMap<>(s.refused.asMap())))
                    .put("cross_tenant_attempts", events.getOrDefault("tenant.cross_attempt", 0L))
                    .put("incidents", events.getOrDefault("incident.switch", 0L)));
        });
    }
}
