package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Phrase patterns indexed by the words they start with: one hash lookup per word of text. */
final class PhraseSet {
    private final Map<String, List<PhrasePattern>> byFirstKey = new HashMap<>();

    PhraseSet(List<PhrasePattern> patterns) {
        for (PhrasePattern p : patterns) {
            for (String key : p.firstKeys()) byFirstKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
    }

    void scan(String[] tokens, SignalWeights out) {
        for (int i = 0; i < tokens.length; i++) {
            List<PhrasePattern> candidates = byFirstKey.get(PhrasePattern.keyOf(tokens[i]));
            if (candidates == null) continue;
            for (PhrasePattern p : candidates) {
                if (out.get(p.signal) >= p.weight) continue; // already as strong: no need to look again
                if (p.matchesAt(tokens, i)) out.raise(p.signal, p.weight);
            }
        }
    }
}
