package dev.bastion.detect;

import java.util.List;
import java.util.Set;

/**
 * Finds one family of entities in text. Implementations are precise first (a random 16-digit number
 * that fails Luhn is not a card), stateless and thread-safe, and run in time linear in the text's
 * length: no backtracking regex (use {@link java.util.regex} only for bounded, non-nested patterns, or
 * RE2J), no quadratic scans. They never log or keep the text.
 */
public interface Detector {
    /** The entity types this detector may report. */
    Set<String> types();

    /** Adds what it finds in {@code text} to {@code out}, in any order; spans may overlap other detectors'. */
    void scan(String text, List<Finding> out);

    /**
     * Whether a text of this shape can hold one of this detector's entities at all; the {@link Scanner}
     * does not run {@link #scan} on it when not. Only says no where {@code scan} would find nothing.
     */
    default boolean mayFind(TextShape shape) {
        return true;
    }

    /**
     * How strong this detector's findings are as evidence, against other detectors' findings of the same
     * category over some of the same characters: the higher wins before the longer span does. Detectors
     * that validate a structure (a checksum, an issuer range, an SSN's area and group) keep
     * {@link #SPECIFIC}; one whose rules accept most digit runs of some length says {@link #LOOSE}.
     */
    default int specificity() {
        return SPECIFIC;
    }

    /** The default {@link #specificity}. */
    int SPECIFIC = 1;
    /** The {@link #specificity} of findings any more specific one overrides (phone numbers). */
    int LOOSE = 0;
}
