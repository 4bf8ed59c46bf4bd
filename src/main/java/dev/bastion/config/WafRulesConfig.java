package dev.bastion.config;

import java.util.List;

/**
 * The request-inspection rules (W1, W2, W4): Bastion's own rule set shipped in the jar, plus the
 * operator's files, scored by severity against a threshold.
 *
 * @param mode      {@code block} (default), {@code detect} (score and
 *                  record, never refuse) or {@code off}; block: 403 {@code request_blocked} from the threshold
 * @param paranoia  1 (default) to 4: rules of this level and below run; higher levels catch more and
 *                  refuse more legitimate traffic
 * @param threshold inbound anomaly score that refuses (critical 5, error 4, warning 3, notice 2); default 5
 * @param files     operator rule files (the same YAML shape as the built-in rules), added to them
 * @param blockedLogPerSecond how many refused requests per second and instance get a {@code waf.block}
 *                  record (W6, sampled logging); the rest are counted, and the next record says how many
 *                  went unrecorded — an attack at line rate must not flood the audit trail. Default 20; 0: none
 */
public record WafRulesConfig(Mode mode, Integer paranoia, Integer threshold, List<String> files, Integer blockedLogPerSecond) {
    public static final WafRulesConfig DEFAULTS = new WafRulesConfig(null, null, null, null, null);

    public enum Mode {
        OFF, DETECT, BLOCK;

        /** YAML 1.1 reads a bare {@code off} as false: {@code mode: off} must still mean off. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Mode of(Object value) {
            if (Boolean.FALSE.equals(value)) return OFF;
            for (Mode m : values()) if (m.name().equalsIgnoreCase(String.valueOf(value))) return m;
            throw new IllegalArgumentException("mode: '" + value + "' (expected: off, detect or block)");
        }
    }

    public WafRulesConfig {
        mode = mode == null ? Mode.BLOCK : mode;
        paranoia = paranoia == null ? 1 : paranoia;
        if (paranoia < 1 || paranoia > 4) throw new IllegalArgumentException("paranoia: " + paranoia + " (expected: 1 to 4)");
        threshold = threshold == null ? 5 : threshold;
        if (threshold < 1) throw new IllegalArgumentException("threshold: " + threshold + " (expected: > 0)");
        files = files == null ? List.of() : List.copyOf(files);
        blockedLogPerSecond = blockedLogPerSecond == null ? 20 : blockedLogPerSecond;
        if (blockedLogPerSecond < 0) throw new IllegalArgumentException("blocked_log_per_second: " + blockedLogPerSecond + " (expected: 0 or more)");
    }
}
