package dev.bastion.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a set of detectors over a text and resolves overlaps, so every character belongs to at most one
 * finding: a secret wins over PII it contains (an API key that happens to contain digits is a key), an
 * operator's custom entity over built-in PII, then the more specific detector ({@link Detector#specificity}:
 * a phone number yields to an SSN, card, IBAN, IP address or e-mail address over the same digits, as
 * numbering plans accept most digit runs), then the longer span, then the earlier one.
 */
public final class Scanner {
    /** A finding and its detector's {@link Detector#specificity}. */
    private record Ranked(Finding finding, int specificity) {}

    private static final Comparator<Ranked> PRECEDENCE = Comparator
            .comparingInt((Ranked r) -> r.finding().category() == Finding.Category.SECRET ? 0 : r.finding().category() == Finding.Category.CUSTOM ? 1 : 2)
            .thenComparing(Comparator.comparingInt(Ranked::specificity).reversed())
            .thenComparing(Comparator.comparingInt((Ranked r) -> r.finding().length()).reversed())
            .thenComparingInt(r -> r.finding().start());

    private final List<Detector> detectors;

    public Scanner(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    public Set<String> types() {
        Set<String> all = new LinkedHashSet<>();
        for (Detector d : detectors) all.addAll(d.types());
        return all;
    }

    /**
     * Non-overlapping findings, in text order, over the text's own characters. The detectors read its
     * {@linkplain FoldedText folded} view — what a model reads, zero-width characters, full-width and
     * other scripts' digits undone — so a card number spelled to slip past a pattern is still found.
     */
    public List<Finding> scan(String text) {
        if (text == null || text.isEmpty()) return List.of();
        TextShape shape = TextShape.ofUnfolded(text);
        if (shape != null) return scanAsIs(text, shape); // nothing to fold: one pass proved it and took the census
        FoldedText folded = FoldedText.of(text);
        List<Finding> found = scanAsIs(folded.text(), TextShape.of(folded.text()));
        for (int i = 0; i < found.size(); i++) found.set(i, folded.toOriginal(found.get(i)));
        return found;
    }

    private List<Finding> scanAsIs(String text, TextShape shape) {
        if (text.isEmpty()) return new ArrayList<>(0);
        List<Finding> raw = new ArrayList<>();
        List<Ranked> ranked = new ArrayList<>();
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
