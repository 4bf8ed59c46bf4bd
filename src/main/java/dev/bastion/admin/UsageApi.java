package dev.bastion.admin;

import dev.bastion.budget.Periods;
import dev.bastion.budget.Pricing;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BudgetsConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.StatsRepository;
import dev.bastion.store.UsageRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The console's usage and budgets (issue 21): {@code GET /admin/v1/usage} — LLM tokens, cost and calls over time,
 * grouped by org, credential or model, summed over every node — and {@code GET /admin/v1/budgets}, each budget's
 * current period for an org: used against the limit, and a burn-down with the end-of-period projection at the current
 * rate. Costs are decimal strings in the price table's currency. An org admin sees their own org only.
 */
public final class UsageApi {
    public static final String USAGE = "/admin/v1/usage";
    public static final String BUDGETS = "/admin/v1/budgets";
    private static final Set<String> USAGE_PARAMS = Set.of("from", "to", "step", "org", "key", "model", "group_by", "limit", "cursor");
    private static final Set<String> BUDGET_PARAMS = Set.of("org", "limit", "cursor");
    private static final Map<String, Duration> STEPS = Map.of("1h", Duration.ofHours(1), "1d", Duration.ofDays(1));
    private static final Map<String, Function<StatsRepository.Usage, String>> GROUPS = Map.of("org", StatsRepository.Usage::org, "key",
            StatsRepository.Usage::key, "model", StatsRepository.Usage::model);

    private final Vertx vertx;
    private final StatsRepository stats;
    private final UsageRepository ledger;
    private final List<BudgetsConfig.Rule> rules;
    private final AuditLog audit;
    private final Clock clock;

    public UsageApi(Vertx vertx, StatsRepository stats, UsageRepository ledger, List<BudgetsConfig.Rule> rules, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.stats = stats;
        this.ledger = ledger;
        this.rules = List.copyOf(rules);
        this.audit = audit;
        this.clock = clock;
    }

    public LocalEndpoint usage() {
        return ex -> StatsRequest.run(vertx, ex, clock, USAGE_PARAMS, r -> {
            AdminRole.OrgScope scope = r.scope();
            if (scope.foreign()) return StatsRequest.foreign(r, audit, "usage");
            Instant[] window = r.window(Duration.ofDays(1));
            String stepName = r.oneOf("step", STEPS.keySet(), "1h");
            String groupBy = r.oneOf("group_by", GROUPS.keySet(), "model");
            int limit = r.limit();
            String after = cursor(r.text("cursor"));
            long step = STEPS.get(stepName).toMillis();
            long[] points = StatsRequest.points(window[0], window[1], STEPS.get(stepName));
            List<StatsRepository.Usage> rows = stats.usage(points[0], points[0] + points[1] * step, scope.org(), r.text("key"), r.text("model"));
            TreeMap<String, long[][]> groups = new TreeMap<>();
            Function<StatsRepository.Usage, String> group = GROUPS.get(groupBy);
            for (StatsRepository.Usage u : rows) {
                String g = group.apply(u);
                if (after != null && g.compareTo(after) <= 0) continue;
                long[][] series = groups.computeIfAbsent(g, k -> new long[(int) points[1]][4]);
                long[] p = series[(int) Math.floorDiv(u.hourTs() - points[0], step)];
                p[0] += u.tokensIn();
                p[1] += u.tokensOut();
                p[2] += u.costMicros();
                p[3] += u.requests();
            }
            JsonArray series = new JsonArray();
            String last = null;
            for (Map.Entry<String, long[][]> g : groups.entrySet()) {
                if (series.size() == limit) break;
                JsonArray out = new JsonArray();
                long t = points[0];
                for (long[] p : g.getValue()) {
                    out.add(new JsonObject().put("t", Instant.ofEpochMilli(t).toString()).put("tokens_in", p[0]).put("tokens_out", p[1])
                            .put("cost", Pricing.format(p[2])).put("requests", p[3]));
                    t += step;
                }
                series.add(new JsonObject().put("group", g.getKey()).put("points", out));
                last = g.getKey();
            }
            String next = groups.size() > series.size() ? encode(last) : null;
            return StatsRequest.answer(new JsonObject().put("step", stepName).put("group_by", groupBy).put("org", scope.org()).put("series", series)
                    .put("next_cursor", next));
        });
    }

    public LocalEndpoint budgets() {
        return ex -> StatsRequest.run(vertx, ex, clock, BUDGET_PARAMS, r -> {
            AdminRole.OrgScope scope = r.scope();
            if (scope.foreign()) return StatsRequest.foreign(r, audit, "budgets");
            int limit = r.limit();
            int offset = offset(r.text("cursor"));
            if (scope.all()) throw new AdminAnswers.BadParameter("org", "required (budgets are read one org at a time)");
            List<JsonObject> items = new ArrayList<>();
            Instant now = r.now;
            for (BudgetsConfig.Rule rule : rules) {
                Instant start = Periods.start(rule.period(), now);
                Instant end = Periods.end(rule.period(), start);
                List<UsageRepository.Usage> subjects = new ArrayList<>();
                if (rule.per() == RouteConfig.LimitKey.ORG) {
                    String subject = "org:" + scope.org();
                    subjects.add(ledger.find(rule.id(), subject, start).orElse(new UsageRepository.Usage(rule.id(), subject, scope.org(), start, 0, 0, now)));
                } else {
                    for (UsageRepository.Usage u : ledger.forOrg(scope.org(), start)) {
                        if (u.ruleId().equals(rule.id()) && u.periodStart().equals(start)) subjects.add(u);
                    }
                }
                for (UsageRepository.Usage u : subjects) items.add(budget(rule, u, scope.org(), start, end, now));
            }
            JsonArray page = new JsonArray();
            for (int i = offset; i < items.size() && page.size() < limit; i++) page.add(items.get(i));
            int next = offset + page.size();
            return StatsRequest.answer(new JsonObject().put("org", scope.org()).put("items", page)
                    .put("next_cursor", next < items.size() ? encode(Integer.toString(next)) : null));
        });
    }

    /** One budget's current period for one subject: used, limit, percent, burn-down and projection. */
    private JsonObject budget(BudgetsConfig.Rule rule, UsageRepository.Usage u, String org, Instant start, Instant end, Instant now) {
        boolean calls = rule.countsToolCalls();
        JsonObject used = new JsonObject().put("tokens", calls ? null : u.tokens()).put("cost", calls ? null : Pricing.format(u.costMicros()))
                .put("tool_calls", calls ? u.tokens() : null);
        JsonObject limit = new JsonObject().put("tokens", rule.tokens()).put("cost", rule.cost() == null ? null : rule.cost().stripTrailingZeros().toPlainString())
                .put("tool_calls", rule.toolCalls());
        double percent = 0;
        if (rule.tokens() != null) percent = Math.max(percent, 100.0 * u.tokens() / rule.tokens());
        if (rule.toolCalls() != null) percent = Math.max(percent, 100.0 * u.tokens() / rule.toolCalls());
        if (rule.cost() != null) percent = Math.max(percent, 100.0 * u.costMicros() / Pricing.micros(rule.cost()));
        // at the rate so far: what the period will have used at its end
        double elapsed = Math.max(1, now.toEpochMilli() - start.toEpochMilli());
        double scale = (end.toEpochMilli() - start.toEpochMilli()) / elapsed;
        JsonObject projected = new JsonObject().put("tokens", calls ? null : Math.round(u.tokens() * scale))
                .put("cost", calls ? null : Pricing.format(Math.round(u.costMicros() * scale))).put("tool_calls", calls ? Math.round(u.tokens() * scale) : null);
        return new JsonObject().put("rule", rule.id()).put("per", rule.per().key).put("subject", u.subject()).put("period", rule.period().name().toLowerCase(java.util.Locale.ROOT))
                .put("period_start", start.toString()).put("period_end", end.toString()).put("used", used).put("limit", limit)
                .put("percent", Math.round(percent * 100) / 100.0).put("projected", projected)
                .put("burn_down", calls ? new JsonArray() : burnDown(rule, u.subject(), org, start, now));
    }

    /**
     * The subject's LLM usage so far in the period, cumulative per hour (a day's or shorter period) or per day (a month),
     * from the usage history: every LLM route of the subject, which is the rule's own count unless it lists routes.
     */
    private JsonArray burnDown(BudgetsConfig.Rule rule, String subject, String org, Instant start, Instant now) {
        long step = rule.period() == BudgetsConfig.Period.MONTH ? Duration.ofDays(1).toMillis() : Duration.ofHours(1).toMillis();
        String key = rule.per() == RouteConfig.LimitKey.ORG ? null : subject;
        long from = start.toEpochMilli();
        long to = now.toEpochMilli() + 1;
        int n = (int) Math.ceilDiv(to - from, step);
        long[][] cumulative = new long[n][2];
        for (StatsRepository.Usage u : stats.usage(Math.floorDiv(from, 3_600_000L) * 3_600_000L, to, org, key, null)) {
            int i = (int) Math.max(0, Math.floorDiv(u.hourTs() - from, step));
            cumulative[i][0] += u.tokensIn() + u.tokensOut();
            cumulative[i][1] += u.costMicros();
        }
        JsonArray out = new JsonArray();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                cumulative[i][0] += cumulative[i - 1][0];
                cumulative[i][1] += cumulative[i - 1][1];
            }
            out.add(new JsonObject().put("t", Instant.ofEpochMilli(from + i * step).toString()).put("tokens", cumulative[i][0])
                    .put("cost", Pricing.format(cumulative[i][1])));
        }
        return out;
    }

    /** Cursors are opaque: base64url of the last group (usage) or the next offset (budgets). */
    private static String encode(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String cursor(String cursor) {
        if (cursor == null) return null;
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AdminAnswers.BadParameter("cursor", "not a cursor this endpoint gave");
        }
    }

    private static int offset(String cursor) {
        String v = cursor(cursor);
        if (v == null) return 0;
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // the one message below
        }
        throw new AdminAnswers.BadParameter("cursor", "not a cursor this endpoint gave");
    }
}
