package dev.bastion.contract;

import java.util.Map;

/**
 * The schemas an operation's answers should satisfy, by status as OpenAPI keys them: the exact code ({@code 404})
 * first, then its range ({@code 4XX}), then {@code default}. A status none of them covers is not checked.
 */
final class ResponseSchemas {
    private final Map<String, CompiledSchema> byStatus;

    /** @param byStatus keys {@code 200}, {@code 2XX} (upper case) or {@code default} */
    ResponseSchemas(Map<String, CompiledSchema> byStatus) {
        this.byStatus = Map.copyOf(byStatus);
    }

    /** A route's own {@code response.schema}: every successful answer. */
    static ResponseSchemas successful(CompiledSchema schema) {
        return new ResponseSchemas(Map.of("2XX", schema));
    }

    /** The schema of an answer with {@code status}, or null when it has none. */
    CompiledSchema forStatus(int status) {
        CompiledSchema s = byStatus.get(Integer.toString(status));
        if (s == null) s = byStatus.get((status / 100) + "XX");
        if (s == null) s = byStatus.get("default");
        return s;
    }

    boolean isEmpty() {
        return byStatus.isEmpty();
    }
}
