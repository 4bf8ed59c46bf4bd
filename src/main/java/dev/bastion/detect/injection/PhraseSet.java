package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Phrase patterns indexed by the words they start with: one table lookup per word of text. */
final class PhraseSet {
    private final KeyTable<PhrasePattern[]> byFirstKey;

    /** The first keys, rot13-encoded: a word of text among these may start a rot13-encoded phrase. */
    private final KeyTable<Boolean> rot13Keys;

    PhraseSet(List<PhrasePattern> patterns) {
        Map<Long, List<PhrasePattern>> byKey = new LinkedHashMap<>();
        for (PhrasePattern p : patterns) {
            for (long key : p.firstKeys()) byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        Map<Long, PhrasePattern[]> table = new LinkedHashMap<>();
        Map<Long, Boolean> rot13 = new LinkedHashMap<>();
        byKey.forEach((key, list) -> {
            table.put(key, list.toArray(PhrasePattern[]::new));
            rot13.put(rot13(key), true);
        });
        byFirstKey = new KeyTable<>(table);
        rot13Keys = new KeyTable<>(rot13);
    }

    /**
     * Whether scanning the rot13 of {@code tokens} could find anything: one of them, rot13-decoded, starts
     * a phrase. (Keys are word prefixes and rot13 works letter by letter, so the two commute.) Almost no
     * text passes, which spares decoding and rescanning every prompt.
     */
    boolean mayMatchRot13(Tokens tokens) {
        for (int i = 0; i < tokens.count(); i++) if (rot13Keys.contains(tokens.key(i))) return true;
        return false;
    }

    void scan(Tokens tokens, SignalWeights out) {
        for (int i = 0; i < tokens.count(); i++) {
            PhrasePattern[] candidates = byFirstKey.get(tokens.key(i));
            if (candidates == null) continue;
            for (PhrasePattern p : candidates) {
                if (out.get(p.signal) >= p.weight) continue; // already as strong: no need to look again
                if (p.matchesAt(tokens, i)) out.raise(p.signal, p.weight);
            }
        }
    }

    /** A packed key with each of its chars rot13-encoded. */
    private static long rot13(long key) {
        long out = 0;
        for (int shift = 48; shift >= 0; shift -= 16) {
            char c = (char) (key >>> shift);
            out = out << 16 | EncodedPayloads.rot13(c);
        }
        return out;
    }
}
