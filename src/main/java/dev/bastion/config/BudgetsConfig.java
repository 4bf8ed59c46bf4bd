package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LLM token and cost budgets (L6), on routes marked with {@code llm}.
 *
 * @param defaultMaxTokens reserved for the completion when a request names no {@code max_tokens}; default 1024
 * @param prices           per model (exact name, or {@code "*"} for any other), in currency units per million
 *                         tokens, input and output priced separately; needed for cost budgets
 * @param rules            the budgets; every rule that matches a request must have room for its reservation
 * @param alerts           fractions of a budget at which an audit event and a metric are emitted; default [0.8, 1.0]
 * @param imageTokens      prompt tokens reserved for each image a chat request carries that is not {@code detail: low};
 *                         default 1445, the most a high-detail image costs on GPT-4o-class models (a model that bills
 *                         images at a multiple, as gpt-4o-mini does, needs more)
 */
public record BudgetsConfig(Integer defaultMaxTokens, Map<String, Price> prices, List<Rule> rules, List<Double> alerts, Integer imageTokens) {
    /** What an image costs at most on GPT-4o-class models: a 2048×768 image in eight 512-pixel tiles, 85 + 8 × 170. */
    public static final int HIGH_DETAIL_IMAGE_TOKENS = 1445;

    public BudgetsConfig {
        imageTokens = imageTokens == null ? HIGH_DETAIL_IMAGE_TOKENS : imageTokens;
        if (imageTokens < 85 || imageTokens > 1_000_000) throw new IllegalArgumentException("image_tokens: " + imageTokens + " (expected: 85..1000000)");
        defaultMaxTokens = defaultMaxTokens == null ? 1024 : defaultMaxTokens;
        if (defaultMaxTokens < 1 || defaultMaxTokens > 1_000_000) throw new IllegalArgumentException("default_max_tokens: " + defaultMaxTokens + " (expected: 1..1000000)");
        prices = prices == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(prices));
        rules = rules == null ? List.of() : List.copyOf(rules);
        alerts = alerts == null ? List.of(0.8, 1.0) : List.copyOf(alerts);
        for (double a : alerts) if (a <= 0 || a > 1) throw new IllegalArgumentException("alerts: " + a + " (expected: fractions in (0, 1])");
    }

    /** @param input price per million input (prompt) tokens; @param output per million output (completion) tokens */
    public record Price(BigDecimal input, BigDecimal output) {
        public Price {
            if (input == null || output == null) throw new IllegalArgumentException("input and output prices are both required");
            if (input.signum() < 0 || output.signum() < 0) throw new IllegalArgumentException("prices cannot be negative");
        }
    }

    /**
     * @param id     stable name, used in storage keys, metrics and {@code bastion usage show}
     * @param per    who the budget belongs to: {@code org}, {@code api_key}, {@code client} or {@code user}
     * @param period {@code minute}, {@code hour}, {@code day} or {@code month} (calendar, UTC)
     * @param tokens total tokens (input + output) allowed per period; optional
     * @param cost   total cost allowed per period, in the price table's currency; optional (needs prices)
     * @param routes route ids it applies to; default every route with {@code llm} (a {@code tool_calls} rule: every MCP route)
     * @param toolCalls MCP tool calls allowed per period: the rule counts calls instead of tokens and cost (neither may be
     *                  given with it), on MCP routes; optional
     */
    public record Rule(String id, RouteConfig.LimitKey per, Period period, Long tokens, BigDecimal cost, List<String> routes, Long toolCalls) {
        public Rule {
            if (id == null || !id.matches("[a-z0-9][a-z0-9_.-]{0,63}")) throw new IllegalArgumentException("id: " + (id == null ? "missing" : "'" + id + "'") + " (expected: [a-z0-9_.-])");
            if (per == null) throw new IllegalArgumentException("per: missing (expected: org, api_key, client or user)");
            if (per == RouteConfig.LimitKey.IP || per == RouteConfig.LimitKey.ROUTE) throw new IllegalArgumentException("per: " + per.key + " (expected: org, api_key, client or user)");
            if (period == null) throw new IllegalArgumentException("period: missing (expected: minute, hour, day or month)");
            if (tokens == null && cost == null && toolCalls == null) throw new IllegalArgumentException("give tokens, cost or both (or tool_calls)");
            if (toolCalls != null && (tokens != null || cost != null)) {
                throw new IllegalArgumentException("tool_calls: a rule counts tool calls or tokens and cost, not both (make two rules)");
            }
            if (toolCalls != null && toolCalls < 1) throw new IllegalArgumentException("tool_calls: " + toolCalls + " (expected: > 0)");
            if (tokens != null && tokens < 1) throw new IllegalArgumentException("tokens: " + tokens + " (expected: > 0)");
            if (cost != null && cost.signum() <= 0) throw new IllegalArgumentException("cost: " + cost + " (expected: > 0)");
            routes = routes == null ? List.of() : List.copyOf(routes);
        }

        /** Whether the rule counts MCP tool calls (else an LLM route's tokens and cost). */
        public boolean countsToolCalls() {
            return toolCalls != null;
        }

        /** Whether the rule applies to {@code route}: listed, or the routes it counts when it lists none. */
        public boolean appliesTo(RouteConfig route) {
            if (!routes.isEmpty()) return routes.contains(route.id());
            return countsToolCalls() ? route.mcp() != null : route.llm() != null;
        }
    }

    public enum Period {
        @JsonProperty("minute") MINUTE,
        @JsonProperty("hour") HOUR,
        @JsonProperty("day") DAY,
        @JsonProperty("month") MONTH
    }

    /** The price of a model: its own entry, else the {@code "*"} entry, else null. */
    public Price priceOf(String model) {
        Price p = model == null ? null : prices.get(model);
        return p != null ? p : prices.get("*");
    }
}
