package dev.bastion.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bastion.net.Cidr;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Automatic responses (O4, docs/audit.md#automatic-responses): rules that watch refusals and act — block a
 * client address, suspend an API key, or notify. Each action is stored, applies on every node, expires by
 * itself, is an audit event, and is listed and lifted with {@code bastion responses}.
 *
 * @param rules        the rules; none by default
 * @param exempt       CIDR ranges never blocked, whatever a rule counts (monitoring, the office, partners)
 * @param pollInterval how often each node reads actions made or lifted elsewhere from the store (the path that
 *                     needs no Redis; with Redis they arrive at once); default 1s
 * @param webhook      where {@code notify} actions POST their event as JSON (through the egress rules); optional
 */
public record ResponsesConfig(List<Rule> rules, List<String> exempt, Duration pollInterval, String webhook) {
    public static final ResponsesConfig NONE = new ResponsesConfig(null, null, null, null);

    /** What the rule counts: the refusals of the request path, every one of them (not the sampled audit records). */
    public enum On {
        /** a 401 from the authenticate step */
        @JsonProperty("auth.failure") AUTH_FAILURE("auth.failure"),
        /** a request the WAF refused */
        @JsonProperty("waf.block") WAF_BLOCK("waf.block"),
        /** a request a budget refused */
        @JsonProperty("budget.exhausted") BUDGET_EXHAUSTED("budget.exhausted"),
        /** a request a guard policy refused */
        @JsonProperty("guard.block") GUARD_BLOCK("guard.block"),
        /** a request a rate limit refused */
        @JsonProperty("rate_limited") RATE_LIMITED("rate_limited"),
        /** a request bot control refused ({@code bot_blocked}; a challenge is not a refusal of the person behind it) */
        @JsonProperty("bot.block") BOT_BLOCK("bot.block");

        private final String wire;

        On(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** What the count is kept per. */
    public enum By {
        /** the client address (after trusted-proxy resolution) */
        @JsonProperty("ip") IP,
        /** the API key (requests without one are not counted) */
        @JsonProperty("key") KEY,
        /** the caller's org (unauthenticated requests are not counted) */
        @JsonProperty("org") ORG
    }

    public enum Action {
        @JsonProperty("block_ip") BLOCK_IP,
        @JsonProperty("suspend_key") SUSPEND_KEY,
        @JsonProperty("notify") NOTIFY
    }

    /**
     * @param id       the rule's stable id (in events, metrics and the CLI)
     * @param on       what is counted
     * @param by       per what
     * @param count    how many within {@code within} trigger the action (the count-th one does)
     * @param within   the window
     * @param action   {@code block_ip} (needs {@code by: ip}), {@code suspend_key} (needs {@code by: key}) or {@code notify}
     * @param duration ({@code for}) how long a block or suspension lasts before it lifts itself; required for both,
     *                 at most 30d; for {@code notify}, how long before the same subject can notify again (default {@code within})
     */
    public record Rule(String id, On on, By by, Integer count, Duration within, Action action, @JsonProperty("for") Duration duration) {
        public Rule {
            if (id == null || !id.matches("[a-z0-9][a-z0-9_-]{0,63}")) throw new IllegalArgumentException("id: '" + id + "' (expected: a-z 0-9 _ -, up to 64)");
            String at = "rules." + id + ".";
            if (on == null) throw new IllegalArgumentException(at + "on: required (auth.failure, waf.block, budget.exhausted, guard.block, rate_limited, bot.block)");
            if (by == null) throw new IllegalArgumentException(at + "by: required (ip, key or org)");
            if (action == null) throw new IllegalArgumentException(at + "action: required (block_ip, suspend_key or notify)");
            if (count == null || count < 1 || count > 1_000_000) throw new IllegalArgumentException(at + "count: " + count + " (expected: 1..1000000)");
            if (within == null) throw new IllegalArgumentException(at + "within: required");
            EdgeConfig.requirePositive(at + "within", within);
            if (within.compareTo(Duration.ofDays(7)) > 0) throw new IllegalArgumentException(at + "within: " + Durations.format(within) + " (expected: at most 7d)");
            if (action == Action.BLOCK_IP && by != By.IP) throw new IllegalArgumentException(at + "action: block_ip counts by: ip");
            if (action == Action.SUSPEND_KEY && by != By.KEY) throw new IllegalArgumentException(at + "action: suspend_key counts by: key");
            if (action == Action.NOTIFY) {
                duration = duration == null ? within : duration;
            } else if (duration == null) {
                throw new IllegalArgumentException(at + "for: required (how long the " + (action == Action.BLOCK_IP ? "block" : "suspension") + " lasts)");
            }
            EdgeConfig.requirePositive(at + "for", duration);
            if (duration.compareTo(Duration.ofDays(30)) > 0) throw new IllegalArgumentException(at + "for: " + Durations.format(duration) + " (expected: at most 30d)");
        }
    }

    public ResponsesConfig {
        rules = rules == null ? List.of() : List.copyOf(rules);
        Set<String> ids = new HashSet<>();
        for (Rule r : rules) if (!ids.add(r.id())) throw new IllegalArgumentException("rules: id '" + r.id() + "' twice");
        exempt = exempt == null ? List.of() : List.copyOf(exempt);
        Cidr.parseAll("exempt", exempt);
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        EdgeConfig.requirePositive("poll_interval", pollInterval);
        if (webhook != null && !webhook.startsWith("https://") && !webhook.startsWith("http://")) {
            throw new IllegalArgumentException("webhook: expected an http(s) URL");
        }
    }

    public List<Cidr> exemptRanges() {
        return Cidr.parseAll("exempt", exempt);
    }
}
