package dev.bastion.guard;

import java.util.HashMap;
import java.util.Map;

/**
 * One request's placeholders for pseudonymized values: the same value gets the same {@code [TYPE_n]}
 * every time it appears, so the model can still tell two people apart; the table lives only as long as
 * the request, to put the originals back into the response for the caller.
 */
public final class Pseudonyms {
    // Made on the first pseudonym: most requests have none.
    private Map<String, String> byValue;
    private Map<String, String> byName;
    private Map<String, Integer> perType;

    public String nameFor(String type, String value) {
        if (byValue == null) {
            byValue = new HashMap<>();
            byName = new HashMap<>();
            perType = new HashMap<>();
        }
        String name = byValue.get(value);
        if (name == null) {
            int n = perType.merge(type, 1, Integer::sum);
            name = "[" + type + "_" + n + "]";
            byValue.put(value, name);
            byName.put(name, value);
        }
        return name;
    }

    /** The original value behind a placeholder, or null. */
    public String original(String name) {
        return byName == null ? null : byName.get(name);
    }

    public boolean isEmpty() {
        return byValue == null;
    }
}
