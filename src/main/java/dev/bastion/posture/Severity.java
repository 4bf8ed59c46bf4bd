package dev.bastion.posture;

import java.util.Locale;

/**
 * How much a posture finding matters. In {@code environment: prod} a {@link #FAIL} refuses to start; a {@link #WARN} is
 * logged once at start and shown on {@code /health/status}; an {@link #INFO} is shown by {@code bastion check --posture}
 * only, for the operator to review.
 */
public enum Severity {
    FAIL, WARN, INFO;

    /** The lower-case name printed in tables, JSON and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
