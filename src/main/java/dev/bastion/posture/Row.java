package dev.bastion.posture;

import dev.bastion.config.BastionConfig;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One row of the posture catalogue: a stable id, what it judges, where that comes from, and how to fix it.
 *
 * @param id       stable, {@code BP-AREA-NNN}; referenced by runbooks and monitoring, never reused for another rule
 * @param severity what a finding of this row does at start (see {@link Severity})
 * @param title    what is wrong, in one line
 * @param asvs     the OWASP ASVS 5.0.0 requirement(s) it maps to, or the nearest one and why
 * @param seed     the seed checklist item it maps to: file and item
 * @param fix      what to change
 * @param check    the places (YAML paths, with a short non-secret detail) that violate the row
 */
public record Row(String id, Severity severity, String title, String asvs, String seed, String fix, Check check) {
    private static final Pattern ID = Pattern.compile("BP-[A-Z]+-\\d{3}");

    public Row {
        if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("id: " + id + " (expected: BP-AREA-NNN)");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(asvs, "asvs");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(check, "check");
    }

    /** Judges a loaded config at an instant (certificates and secrets age); pure apart from reading the files the config names. */
    @FunctionalInterface
    public interface Check {
        /** @return the violating places, empty when the row holds; never a secret value */
        List<String> places(BastionConfig config, Instant now);
    }
}
