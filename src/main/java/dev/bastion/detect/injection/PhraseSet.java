package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Phrase patterns indexed by the words they start with: one hash lookup per word of text. */
final class PhraseSet {
    private final Map<String, List<PhrasePattern>> byFirstKey = new HashMap<>();

    /** The first keys, rot13-encoded: a word of text among these may start a rot13-encoded phrase. */
    private final java.util.Set<String> rot13Keys = new java.util.HashSet<>();

    PhraseSet(List<PhrasePattern> patterns) {
        for (PhrasePattern p : patterns) {
            for (String key : p.firstKeys()) byFirstKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        for (String key : byFirstKey.keySet()) rot13Keys.add(EncodedPayloads.rot13(new String[] {key})[0]);
    }

    /**
     * Whether scanning the rot13 of {@code tokens} could find anything: one of them, rot13-decoded, starts
     * a phrase. (Keys are word prefixes and rot13 works letter by letter, so the two commute.) Almost no
     * text passes, which spares decoding and rescanning every prompt.
     */
    boolean mayMatchRot13(String[] tokens) {
        for (String t : tokens) if (rot13Keys.contains(PhrasePattern.keyOf(t))) return true;
        return false;
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
