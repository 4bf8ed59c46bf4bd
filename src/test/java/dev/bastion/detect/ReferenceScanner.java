package dev.bastion.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** FROZEN REFERENCE: {@code Scanner.scan} as it was before the fast paths (2026-12-07), over {@link ReferenceTextShape}, for {@code ScannerEquivalenceTest}. Do not optimise. */
final class ReferenceScanner {
    private record Ranked(Finding finding, int specificity) {}

    private static final Comparator<Ranked> PRECEDENCE = Comparator
            .comparingInt((Ranked r) -> r.finding().category() == Finding.Category.SECRET ? 0 : r.finding().category() == Finding.Category.CUSTOM ? 1 : 2)
            .thenComparing(Comparator.comparingInt(Ranked::specificity).reversed())
            .thenComparing(Comparator.comparingInt((Ranked r) -> r.finding().length()).reversed())
            .thenComparingInt(r -> r.finding().start());

    private final List<Detector> detectors;

    ReferenceScanner(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    List<Finding> scan(String text) {
        if (text == null || text.isEmpty()) return List.of();
        FoldedText folded = FoldedText.of(text);
        if (folded == null) return scanAsIs(text);
        List<Finding> found = scanAsIs(folded.text());
        for (int i = 0; i < found.size(); i++) found.set(i, folded.toOriginal(found.get(i)));
        return found;
    }

    private List<Finding> scanAsIs(String text) {
        if (text.isEmpty()) return new ArrayList<>(0);
        List<Finding> raw = new ArrayList<>();
        List<Ranked> ranked = new ArrayList<>();
        TextShape shape = ReferenceTextShape.of(text);
        for (Detector d : detectors) {
            if (!d.mayFind(shape)) continue;
            int before = raw.size();
            d.scan(text, raw);
            for (int k = before; k < raw.size(); k++) ranked.add(new Ranked(raw.get(k), d.specificity()));
        }
        if (raw.size() <= 1) return raw;
        ranked.sort(PRECEDENCE);
        // Kept spans never overlap each other, so one neighbour on each side decides (n log n, not n²).
        java.util.TreeMap<Integer, Finding> kept = new java.util.TreeMap<>();
        for (Ranked r : ranked) {
            Finding f = r.finding();
            var below = kept.floorEntry(f.start());
            if (below != null && below.getValue().overlaps(f)) continue;
            var above = kept.ceilingEntry(f.start());
            if (above != null && above.getValue().overlaps(f)) continue;
            kept.put(f.start(), f);
        }
        return new ArrayList<>(kept.values());
    }
}
