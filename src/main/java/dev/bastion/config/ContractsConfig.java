package dev.bastion.config;

/**
 * The limits every route contract holds a request to, even where its schema says nothing (E4): a schema that
 * forgets {@code maxItems} still does not let a client send a million-element array. A route's
 * {@code contract.limits} overrides each one for that route.
 *
 * @param maxDepth        deepest nesting of objects and arrays in a JSON body ({@code {"a":[1]}} is 2); default 32,
 *                        1 to 256
 * @param maxArrayItems   elements in any one array; default 10,000
 * @param maxStringLength characters in any one string value or property name; default 1,048,576
 */
public record ContractsConfig(Integer maxDepth, Integer maxArrayItems, Integer maxStringLength) {
    public static final ContractsConfig DEFAULTS = new ContractsConfig(null, null, null);

    public ContractsConfig {
        maxDepth = inRange("max_depth", maxDepth, 32, 1, 256);
        maxArrayItems = inRange("max_array_items", maxArrayItems, 10_000, 0, 10_000_000);
        maxStringLength = inRange("max_string_length", maxStringLength, 1 << 20, 1, 64 << 20);
    }

    /** These limits with a route's overrides applied (each null field keeps the global value). */
    public ContractsConfig with(ContractConfig.Limits route) {
        if (route == null) return this;
        return new ContractsConfig(route.maxDepth() != null ? route.maxDepth() : maxDepth,
                route.maxArrayItems() != null ? route.maxArrayItems() : maxArrayItems,
                route.maxStringLength() != null ? route.maxStringLength() : maxStringLength);
    }

    static int inRange(String key, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) throw new IllegalArgumentException(key + ": " + v + " (expected: " + min + " to " + max + ")");
        return v;
    }
}
