package dev.bastion.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a set of detectors over a text and resolves overlaps, so every character belongs to at most one
 * finding: a secret wins over PII it contains (an API key that happens to contain digits is a key),
 * then the longer span, then the earlier one.
 */
public final class Scanner {
    private static final Comparator<Finding> PRECEDENCE = Comparator
            .comparingInt((Finding f) -> f.category() == Finding.Category.SECRET ? 0 : f.category() == Finding.Category.CUSTOM ? 1 : 2)
            .thenComparing(Comparator.comparingInt(Finding::length).reversed())
            .thenComparingInt(Finding::start);

    private final List<Detector> detectors;

    public Scanner(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    public Set<String> types() {
        Set<String> all = new LinkedHashSet<>();
        for (Detector d : detectors) all.addAll(d.types());
        return all;
    }

    /** Non-overlapping findings, in text order. */
    public List<Finding> scan(String text) {
        if (text == null || text.isEmpty()) return List.of();
        List<Finding> raw = new ArrayList<>();
        TextShape shape = TextShape.of(text);
        for (Detector d : detectors) if (d.mayFind(shape)) d.scan(text, raw);
        if (raw.size() <= 1) return raw;
        raw.sort(PRECEDENCE);
        // Kept spans never overlap each other, so one neighbour on each side decides (n log n, not n²).
        java.util.TreeMap<Integer, Finding> kept = new java.util.TreeMap<>();
        for (Finding f : raw) {
            var below = kept.floorEntry(f.start());
            if (below != null && below.getValue().overlaps(f)) continue;
            var above = kept.ceilingEntry(f.start());
            if (above != null && above.getValue().overlaps(f)) continue;
            kept.put(f.start(), f);
        }
        return new ArrayList<>(kept.values());
    }
}
