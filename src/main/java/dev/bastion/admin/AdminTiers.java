package dev.bastion.admin;

import dev.bastion.config.LimitsConfig;
import java.util.List;
import java.util.Map;

/** The configured plans ({@code limits.tiers}) the admin API assigns: a tier named in a body must be one of them. */
public record AdminTiers(Map<String, List<LimitsConfig.TierLimit>> tiers, String defaultTier) {
    public AdminTiers {
        tiers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tiers)); // in config order
    }

    public static AdminTiers of(LimitsConfig limits) {
        return new AdminTiers(limits.tiers(), limits.defaultTier());
    }

    /** The tier to store: null for JSON {@code null} or {@code "default"} (the holder falls back to the default tier). */
    String checked(Object value) {
        if (value == null || "default".equals(value)) return null;
        if (!(value instanceof String s) || !tiers.containsKey(s)) {
            throw new AdminAnswers.BadParameter("tier", "not a tier under limits.tiers" + (tiers.isEmpty() ? " (none are defined)" : ""));
        }
        return s;
    }
}
