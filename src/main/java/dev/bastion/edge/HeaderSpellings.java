package dev.bastion.edge;

import dev.bastion.net.HeaderNames;
import java.util.HashMap;
import java.util.Map;

/**
 * Refuses a request that carries one header under two spellings, {@code X-Api-Key} and {@code X_Api_Key}
 * ({@link HeaderNames}). Bastion reads one of them, a CGI-style upstream may read the other (or both,
 * joined), so the two would act on different values: a credential, a content type, a length, an
 * idempotency key or an {@code X-Forwarded-For} Bastion checked is not the one the upstream uses. Any
 * header counts, not only those Bastion reads today: a header added to the chain later is then covered,
 * and no client sends a name two ways by accident. Pure.
 */
public final class HeaderSpellings {
    private HeaderSpellings() {}

    /**
     * The canonical name ({@link HeaderNames#canonical}) of a header present under two spellings, or null.
     * Repeats of one spelling, in any letter case, are one header to every reader and are not refused here.
     */
    public static String ambiguous(Iterable<Map.Entry<String, String>> headers) {
        boolean anyAlternative = false;
        for (Map.Entry<String, String> h : headers) {
            if (HeaderNames.hasAlternativeSpelling(h.getKey())) {
                anyAlternative = true;
                break;
            }
        }
        if (!anyAlternative) return null; // nearly every request: no allocation
        Map<String, String> spellingOf = new HashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            String canonical = HeaderNames.canonical(name);
            String first = spellingOf.putIfAbsent(canonical, name);
            if (first != null && !first.equalsIgnoreCase(name)) return canonical;
        }
        return null;
    }
}
