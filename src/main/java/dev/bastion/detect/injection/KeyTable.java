package dev.bastion.detect.injection;

import java.util.Map;

/**
 * A read-only map from word keys ({@link PhrasePattern#keyOf}: a word's first chars packed into a
 * {@code long}) to values, by open addressing: looking a word of text up costs no allocation, where a
 * {@code HashMap<String, …>} needed the word as a String and its hash.
 */
final class KeyTable<V> {
    private static final long EMPTY = 0; // no word's key: words hold no char 0
    private final long[] keys;
    private final Object[] values;
    private final int mask;

    KeyTable(Map<Long, V> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 4) - 1) << 1; // at most a quarter full
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        entries.forEach((key, value) -> {
            if (key == EMPTY || value == null) throw new IllegalArgumentException("no word has key 0, no entry a null value");
            int slot = slot(key);
            while (keys[slot] != EMPTY) slot = (slot + 1) & mask;
            keys[slot] = key;
            values[slot] = value;
        });
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    V get(long key) {
        for (int slot = slot(key); keys[slot] != EMPTY; slot = (slot + 1) & mask) { // most words miss at the first slot
            if (keys[slot] == key) return (V) values[slot];
        }
        return null;
    }

    boolean contains(long key) {
        return get(key) != null;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask; // Fibonacci hashing: packed chars spread over the slots
    }
}
