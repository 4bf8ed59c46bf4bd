package dev.bastion.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The GraphQL limits of a route (W7): {@code graphql: {}} takes every default. Each document a request
 * carries is parsed (with parser limits derived from these, so a hostile document cannot exhaust the
 * parser) and measured with its fragments expanded; a request over any limit is refused with 400 and a
 * stable {@code graphql_…} code before it reaches the upstream.
 *
 * @param maxDepth         the deepest nesting of fields; {@code { a { b } }} is 2 (fragments add no level of their
 *                         own); default 10, at most 50
 * @param maxAliases       aliased fields ({@code x: f}) per operation, fragments expanded; default 15; 0 forbids aliases.
 *                         Aliases are how one request asks for the same expensive field many times
 * @param maxFields        field selections per operation after expanding fragments (a fragment spread 50 times
 *                         counts 50 times); default 200
 * @param maxComplexity    the cost per operation: each field costs 1 plus its sub-selection, multiplied by its
 *                         {@code first}, {@code last} or {@code limit} argument when that is an integer (a literal, or
 *                         a variable the request gives); default 1000, at most 1,000,000,000
 * @param maxDocumentBytes the largest query text (UTF-8), checked before parsing; default 32KiB, at most 1MiB
 * @param introspection    allow {@code __schema} and {@code __type} ({@code __typename} is always allowed); default:
 *                         allowed, except with {@code environment: prod}. An explicit {@code true} allows it in prod too
 * @param persistedQueries when given, the only documents accepted: SHA-256 of the exact query text, 64 hex digits. A
 *                         request naming a listed hash without the text (Apollo APQ) passes, the upstream holds the text
 * @param maxBatch         operations in one JSON-array batch; default 10, at most 100; 1 disallows batches of more than one
 */
public record GraphqlConfig(Integer maxDepth, Integer maxAliases, Integer maxFields, Integer maxComplexity, ByteSize maxDocumentBytes,
                            Boolean introspection, List<String> persistedQueries, Integer maxBatch) {
    public static final GraphqlConfig DEFAULTS = new GraphqlConfig(null, null, null, null, null, null, null, null);
    /** Above this, counts are only reported as "over" (they saturate here, so no arithmetic can overflow). */
    public static final int MAX_COMPLEXITY = 1_000_000_000;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public GraphqlConfig {
        maxDepth = inRange("max_depth", maxDepth, 10, 1, 50);
        maxAliases = inRange("max_aliases", maxAliases, 15, 0, 100_000);
        maxFields = inRange("max_fields", maxFields, 200, 1, 100_000);
        maxComplexity = inRange("max_complexity", maxComplexity, 1000, 1, MAX_COMPLEXITY);
        maxDocumentBytes = maxDocumentBytes == null ? ByteSize.ofKiB(32) : maxDocumentBytes;
        // The parser refuses more than 1M characters whatever we say; a larger setting would silently not hold.
        if (maxDocumentBytes.bytes() > 1024 * 1024) {
            throw new IllegalArgumentException("max_document_bytes: " + maxDocumentBytes.bytes() + " (expected: at most 1MiB)");
        }
        maxBatch = inRange("max_batch", maxBatch, 10, 1, 100);
        if (persistedQueries != null) {
            // An empty list would accept nothing: almost certainly a mistake, never a silently closed route.
            if (persistedQueries.isEmpty()) throw new IllegalArgumentException("persisted_queries: empty (expected: SHA-256 hashes, or omit the key)");
            Set<String> hashes = new LinkedHashSet<>();
            for (int i = 0; i < persistedQueries.size(); i++) {
                String h = persistedQueries.get(i);
                String norm = h == null ? null : h.trim().toLowerCase(Locale.ROOT);
                if (norm == null || !SHA256.matcher(norm).matches()) {
                    throw new IllegalArgumentException("persisted_queries[" + i + "]: " + (h == null ? "missing" : "not a SHA-256")
                            + " (expected: 64 hex digits, the SHA-256 of the exact query text)");
                }
                hashes.add(norm);
            }
            persistedQueries = List.copyOf(hashes);
        }
    }

    /** Whether introspection is allowed where Bastion runs: the explicit setting, else only outside prod. */
    public boolean introspectionAllowed(boolean prod) {
        return introspection != null ? introspection : !prod;
    }

    private static int inRange(String key, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) throw new IllegalArgumentException(key + ": " + v + " (expected: " + min + " to " + max + ")");
        return v;
    }
}
