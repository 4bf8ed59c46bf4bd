package dev.bastion.waf;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a walk over a JSON body is: the keys and array indices from the root. A value's target name
 * ({@code args:messages.0.role}) is built from it only when asked for — a rule matched, an exclusion
 * names targets — and its JSON pointer ({@code /messages/0/role}) is compared, never built: not a name
 * and a pointer for every value and container of every body.
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

    /** Whether {@code pointer} is the RFC 6901 pointer of the value here ({@code ~} and {@code /} in keys escaped), read without building it. */
    boolean is(String pointer) {
        int p = 0, n = pointer.length();
        for (int i = 0; i < depth; i++) {
            if (p == n || pointer.charAt(p++) != '/') return false;
            if (keys[i] == null) {
                int digits = 1;
                for (int x = indices[i]; x >= 10; x /= 10) digits++;
                if (p + digits > n) return false;
                for (int k = digits - 1, x = indices[i]; k >= 0; k--, x /= 10) if (pointer.charAt(p + k) != '0' + x % 10) return false;
                p += digits;
            } else {
                String key = keys[i];
                for (int k = 0; k < key.length(); k++) {
                    char c = key.charAt(k);
                    if (c == '~' || c == '/') {
                        if (!pointer.startsWith(c == '~' ? "~0" : "~1", p)) return false;
                        p += 2;
                    } else if (p == n || pointer.charAt(p++) != c) {
                        return false;
                    }
                }
            }
        }
        return p == n;
    }
}
