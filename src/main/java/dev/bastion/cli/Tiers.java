package dev.bastion.cli;

import java.io.PrintWriter;

/** Checks a tier name given on the command line against the config's {@code limits.tiers}. */
final class Tiers {
    private Tiers() {}

    /** The tier to store: null for {@code default}; refuses a tier the config does not define. */
    static String checked(StoreOptions store, String tier, PrintWriter err) {
        if ("default".equals(tier)) return null;
        var tiers = store.config().limits().tiers();
        if (store.config != null && !tiers.containsKey(tier)) {
            throw new CliException("tier '" + tier + "' is not defined under limits.tiers" + (tiers.isEmpty() ? " (none are)" : " (defined: " + String.join(", ", tiers.keySet()) + ")"));
        }
        if (store.config == null) {
            err.println("Note: not checked against limits.tiers (no --config given); an unknown tier means the default tier.");
            err.flush();
        }
        return tier;
    }
}
