package dev.bastion.stats;

import java.util.List;
import java.util.Map;

/**
 * The security decisions of one request, as counts by name, from what the controls put on its access line: the WAF's
 * matched rule ids ({@code waf:<rule>:<action>}), the guard's detector types on the prompt and on the answer
 * ({@code guard:<type>:<action>}, {@code guard_answer:<type>:<action>}; {@code injection} for injection signals) and the
 * bot control's action ({@code bot:<action>}). Names, ids and actions only — never the matched text. The WAF's
 * {@code waf.block} audit events are sampled, so these counts are the complete ones.
 */
final class SecurityDecisions {
    private SecurityDecisions() {}

    static void count(Map<String, Object> fields, Counts into) {
        if (fields.get("waf") instanceof Map<?, ?> waf && waf.get("rules") instanceof List<?> rules) {
            Object action = waf.get("action");
            for (Object rule : rules) into.add("waf:" + rule + ":" + action, 1);
        }
        guard("guard", fields.get("guard"), into);
        guard("guard_answer", fields.get("guard_answer"), into);
        if (fields.get("bot") instanceof Map<?, ?> bot && bot.get("action") instanceof String action && !action.equals("allow")) {
            into.add("bot:" + action, 1);
        }
    }

    private static void guard(String prefix, Object field, Counts into) {
        if (!(field instanceof Map<?, ?> decision)) return;
        Object action = decision.get("action") != null ? decision.get("action") : decision.get("injection_action");
        if (decision.get("entities") instanceof Map<?, ?> entities) {
            for (Map.Entry<?, ?> e : entities.entrySet()) into.add(prefix + ":" + e.getKey() + ":" + action, 1);
        }
        if (decision.get("injection_signals") instanceof List<?> signals && !signals.isEmpty()) into.add(prefix + ":injection:" + action, 1);
    }
}
