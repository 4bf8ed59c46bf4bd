package dev.bastion.waf;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a walk over a JSON body is: the keys and array indices from the root. A value's target name
 * ({@code args:messages.0.role}) and JSON pointer ({@code /messages/0/role}) are built from it only when
 * asked for — a rule matched, an exclusion names targets, a string may be model-bound text — not for
 * every value and container of every body.
 */
final class JsonPath {
    private static final int INDEX_OF_KEY = -1;
    private String[] keys = new String[16];
    private int[] indices = new int[16];
    private int depth;

    void enter(String key) {
        push(key, INDEX_OF_KEY);
    }

    void enter(int index) {
        push(null, index);
    }

    void leave() {
        keys[--depth] = null;
    }

    private void push(String key, int index) {
        if (depth == keys.length) {
            keys = Arrays.copyOf(keys, 2 * depth);
            indices = Arrays.copyOf(indices, 2 * depth);
        }
        keys[depth] = key;
        indices[depth++] = index;
    }

    /**
     * The target name of the value here: {@code args:} and the dotted path, lower case. A key joins with a
     * dot unless nothing came before it (empty keys add nothing); an index always does ({@code .0} at the root).
     */
    String argsName() {
        StringBuilder dotted = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (keys[i] == null) {
                dotted.append('.').append(indices[i]);
            } else {
                if (!dotted.isEmpty()) dotted.append('.');
                dotted.append(keys[i]);
            }
        }
        return "args:" + dotted.toString().toLowerCase(Locale.ROOT);
    }

    /** The RFC 6901 pointer of the value here ({@code ~} and {@code /} in keys escaped). */
    String pointer() {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            p.append('/');
            if (keys[i] == null) p.append(indices[i]);
            else p.append(keys[i].replace("~", "~0").replace("/", "~1"));
        }
        return p.toString();
    }
}
