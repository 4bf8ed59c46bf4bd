package dev.bastion.graphql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.GraphqlConfig;
import graphql.language.Argument;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.SourceLocation;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import graphql.parser.exceptions.ParseCancelledException;
import graphql.parser.exceptions.ParseCancelledTooDeepException;
import graphql.parser.exceptions.ParseCancelledTooManyCharsException;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The GraphQL limits of one route (W7), as plain Java: no Vert.x, no chain. Given what a request carries —
 * a JSON body (one operation or a batch), a raw {@code application/graphql} document, or a GET query
 * string — it decides whether the request may reach the upstream, and if not, why: a {@link Refusal}
 * with a stable {@link Code} and a short message made of numbers and limits only, never the document,
 * operation names or variables.
 *
 * <p>Checks, in order, per operation: batch size, document size (before parsing), the persisted-query
 * allow-list, parsing (bounded in characters, tokens and grammar depth, so a hostile document cannot
 * exhaust the parser or the stack), the document's structure (only operations and fragments, every
 * fragment defined, used and acyclic, one selected operation), introspection, and then depth, aliases,
 * fields and complexity with fragments expanded. Every operation of a document is measured, not just the
 * selected one: the upstream parses and validates them all.
 *
 * <p>Fragments are measured once each, in dependency order, and the measures saturate: a fragment
 * that spreads another twice, forty levels down (2^40 fields), costs the check forty steps, not 2^40.
 */
public final class GraphqlLimits {
    /** The stable reason codes; {@link #code()} is the {@code error.code} the client sees. */
    public enum Code {
        INVALID("graphql_invalid"),
        DOCUMENT_TOO_LARGE("graphql_document_too_large"),
        QUERY_NOT_PERSISTED("graphql_query_not_persisted"),
        BATCH_TOO_LARGE("graphql_batch_too_large"),
        INTROSPECTION_DISABLED("graphql_introspection_disabled"),
        TOO_DEEP("graphql_too_deep"),
        TOO_MANY_ALIASES("graphql_too_many_aliases"),
        TOO_MANY_FIELDS("graphql_too_many_fields"),
        TOO_COMPLEX("graphql_too_complex");

        private final String code;

        Code(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** What the check decided. */
    public sealed interface Result permits Ok, Refusal {}

    /**
     * Within every limit. The measures are the largest over the request's operations (zero for an
     * operation sent as a persisted-query hash only, which Bastion cannot see).
     */
    public record Ok(int operations, int depth, long aliases, long fields, long complexity) implements Result {}

    /** Refused: {@code message} is safe to send to the client as is. */
    public record Refusal(Code code, String message) implements Result {}

    /**
     * One GraphQL request as received.
     *
     * @param query         the document text; null when only a persisted-query hash is sent
     * @param operationName which operation of the document to run; null when it holds one
     * @param variables     the {@code variables} object, or null
     * @param persistedHash {@code extensions.persistedQuery.sha256Hash} (Apollo APQ), or null
     */
    public record Operation(String query, String operationName, JsonNode variables, String persistedHash) {}

    /** Counts saturate here, one above the largest limit a config may set, so no sum or product can overflow. */
    static final long SATURATED = GraphqlConfig.MAX_COMPLEXITY + 1L;
    private static final Set<String> INTROSPECTION = Set.of("__schema", "__type");
    private static final List<String> PAGE_ARGUMENTS = List.of("first", "last", "limit");
    private static final Set<String> HTTP_PARAMETERS = Set.of("query", "operationName", "variables", "extensions");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Measure NONE = new Measure(0, 0, 0, 0, false);
    // Duplicate keys are refused: were Bastion to read the last "query" and the upstream the first, the check would be of another document.
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final GraphqlConfig config;
    private final int maxBytes;
    private final boolean introspection;
    private final Set<String> persisted;
    private final ParserOptions parserOptions;

    public GraphqlLimits(GraphqlConfig config, boolean prod) {
        this.config = config == null ? GraphqlConfig.DEFAULTS : config;
        this.maxBytes = this.config.maxDocumentBytes().asInt();
        this.introspection = this.config.introspectionAllowed(prod);
        this.persisted = this.config.persistedQueries() == null ? null : Set.copyOf(this.config.persistedQueries());
        this.parserOptions = ParserOptions.newParserOptions()
                // A document that passed the byte check has no more characters than bytes: this never binds, it is the backstop.
                .maxCharacters(maxBytes)
                .maxWhitespaceTokens(maxBytes)
                // Half the bytes (at least the parser's default): more tokens than that is punctuation, not a query.
                .maxTokens(Math.max(ParserOptions.MAX_QUERY_TOKENS, maxBytes / 2))
                // ~3 grammar rules per field level, ~6 with an inline fragment, plus input values: room for any document
                // within max_depth, and far below what would overflow the stack (the parser is recursive descent).
                .maxRuleDepth(Math.min(ParserOptions.MAX_RULE_DEPTH, 40 + 10 * this.config.maxDepth()))
                .captureSourceLocation(false)
                .captureIgnoredChars(false)
                .captureLineComments(false)
                .redactTokenParserErrorMessages(true)
                .build();
    }

    public GraphqlConfig config() {
        return config;
    }

    /** The parser's bounds (size, tokens, rule depth), for anything else that parses this route's documents. */
    ParserOptions parserOptions() {
        return parserOptions;
    }

    /** A GET request: the operation is in the query string ({@code query}, {@code operationName}, {@code variables}, {@code extensions}). */
    public Result checkGet(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        Refusal bad = parameters(rawQuery, params);
        if (bad != null) return bad;
        JsonNode variables = null;
        JsonNode extensions = null;
        try {
            if (params.containsKey("variables") && !params.get("variables").isEmpty()) variables = JSON.readTree(params.get("variables"));
            if (params.containsKey("extensions") && !params.get("extensions").isEmpty()) extensions = JSON.readTree(params.get("extensions"));
        } catch (java.io.IOException e) {
            return invalid("The variables and extensions parameters must be JSON objects.");
        }
        String query = params.get("query");
        String operationName = params.get("operationName");
        Object op = operation(query == null || query.isEmpty() ? null : query, operationName == null || operationName.isEmpty() ? null : operationName,
                variables, extensions);
        if (op instanceof Refusal r) return r;
        if (((Operation) op).query() == null && ((Operation) op).persistedHash() == null) {
            return invalid("A GraphQL GET request needs a query parameter.");
        }
        return check((Operation) op, true);
    }

    /**
     * A POST request: {@code application/json} (one request object, or an array of them) or
     * {@code application/graphql} (the document itself). GraphQL parameters in the URL as well are
     * refused: some servers read them in preference to the body, so Bastion would check one document and
     * the upstream run another.
     */
    public Result checkPost(String contentType, byte[] body, String rawQuery) {
        if (carriesParameters(rawQuery)) return invalid("A GraphQL POST carries its request in the body only, not in the URL.");
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (contentType != null && contentType.contains(";")) {
            for (String param : contentType.substring(contentType.indexOf(';') + 1).split(";")) {
                String[] kv = param.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset") && !kv[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                    return invalid("A GraphQL request body must be UTF-8.");
                }
            }
        }
        return switch (type) {
            case "application/json" -> checkJson(body);
            case "application/graphql" -> checkDocumentBody(body);
            default -> invalid("A GraphQL POST must be application/json or application/graphql.");
        };
    }

    /** An {@code application/json} body: {@code {"query","operationName","variables","extensions"}} or an array of them. */
    public Result checkJson(byte[] body) {
        if (body == null || body.length == 0) return invalid("The request body is empty.");
        String text = utf8(body);
        if (text == null) return invalid("A GraphQL request body must be UTF-8.");
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (java.io.IOException e) {
            return invalid("The request body is not valid JSON.");
        }
        if (root != null && root.isArray()) {
            if (root.isEmpty()) return invalid("The batch holds no operation.");
            if (root.size() > config.maxBatch()) {
                return new Refusal(Code.BATCH_TOO_LARGE, "The batch holds " + root.size() + " operations; this route allows at most " + config.maxBatch() + ".");
            }
            List<Result> results = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                Result r = checkJsonOperation(root.get(i));
                if (r instanceof Refusal refused) {
                    return new Refusal(refused.code(), "Operation " + (i + 1) + " of the batch: " + refused.message());
                }
                results.add(r);
            }
            return combine(results);
        }
        return checkJsonOperation(root);
    }

    /** An {@code application/graphql} body: the document itself; its size is checked before it is even decoded. */
    public Result checkDocumentBody(byte[] body) {
        if (body == null || body.length == 0) return invalid("The request body is empty.");
        if (body.length > maxBytes) return tooLarge(body.length);
        String text = utf8(body);
        if (text == null) return invalid("A GraphQL request body must be UTF-8.");
        return check(new Operation(text, null, null, null), false);
    }

    /** A document on its own (the allow-list applies, as to any document). */
    public Result check(String document, String operationName) {
        return check(new Operation(document, operationName, null, null), false);
    }

    /**
     * One operation.
     *
     * @param queriesOnly true for GET: only a query may run (a mutation in a link or an image tag is cross-site request forgery)
     */
    public Result check(Operation op, boolean queriesOnly) {
        String query = op.query() == null || op.query().isBlank() ? null : op.query();
        String hash = op.persistedHash() == null ? null : op.persistedHash().trim();
        if (hash != null && !SHA256.matcher(hash).matches()) return invalid("The persisted-query hash is not a SHA-256 (64 hex digits).");
        hash = hash == null ? null : hash.toLowerCase(Locale.ROOT);
        if (query == null) {
            if (hash == null) return invalid("The request carries no query.");
            // Only the hash: the upstream holds the text. With an allow-list it must be listed; without one this is
            // Apollo's APQ, whose texts reached the upstream through this check when they were registered.
            if (persisted != null && !persisted.contains(hash)) return notPersisted();
            return new Ok(1, 0, 0, 0, 0);
        }
        long bytes = utf8Length(query);
        if (bytes > maxBytes) return tooLarge(bytes);
        if (hash != null || persisted != null) {
            String actual = sha256Hex(query);
            if (hash != null && !hash.equals(actual)) return invalid("The persisted-query hash does not match the query.");
            if (persisted != null && !persisted.contains(actual)) return notPersisted();
        }
        Document doc;
        try {
            doc = Parser.parse(ParserEnvironment.newParserEnvironment().document(query).parserOptions(parserOptions).build());
        } catch (ParseCancelledTooDeepException e) {
            return new Refusal(Code.TOO_DEEP, "The document nests deeper than this route allows (at most " + config.maxDepth() + " levels of fields).");
        } catch (ParseCancelledTooManyCharsException e) {
            return tooLarge(bytes);
        } catch (ParseCancelledException e) {
            return new Refusal(Code.DOCUMENT_TOO_LARGE, "The document has more tokens than this route parses (at most " + parserOptions.getMaxTokens() + ").");
        } catch (InvalidSyntaxException e) {
            SourceLocation at = e.getLocation();
            return invalid("The document is not valid GraphQL" + (at == null || at.getLine() < 1 ? "." : " (line " + at.getLine() + ", column " + at.getColumn() + ")."));
        }
        return measure(doc, op.operationName(), op.variables(), queriesOnly);
    }

    /** Whether a query string names any GraphQL request parameter (by its decoded name). */
    static boolean carriesParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return false;
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String key;
            try {
                key = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return true; // an undecodable name may be a parameter to a more lenient decoder
            }
            if (HTTP_PARAMETERS.contains(key)) return true;
        }
        return false;
    }

    /** Lower-case hex SHA-256 of the UTF-8 text: the form {@code persisted_queries} lists. */
    public static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---- the request envelope

    private Result checkJsonOperation(JsonNode node) {
        if (node == null || !node.isObject()) return invalid("The request body must be a GraphQL request object, or a batch (array) of them.");
        JsonNode q = node.get("query");
        JsonNode name = node.get("operationName");
        if (q != null && !q.isNull() && !q.isTextual()) return invalid("query must be a string.");
        if (name != null && !name.isNull() && !name.isTextual()) return invalid("operationName must be a string.");
        JsonNode variables = node.get("variables");
        if (variables != null && variables.isTextual()) {
            // Some clients send the variables as a JSON string; read it as the upstream would.
            try {
                variables = variables.asText().isEmpty() ? null : JSON.readTree(variables.asText());
            } catch (java.io.IOException e) {
                return invalid("variables must be a JSON object.");
            }
        }
        Object op = operation(q == null || q.isNull() ? null : q.asText(), name == null || name.isNull() || name.asText().isEmpty() ? null : name.asText(),
                variables, node.get("extensions"));
        if (op instanceof Refusal r) return r;
        return check((Operation) op, false);
    }

    /** An {@link Operation}, or a {@link Refusal} for variables or extensions of the wrong shape. */
    private static Object operation(String query, String operationName, JsonNode variables, JsonNode extensions) {
        if (variables != null && !variables.isNull() && !variables.isObject()) return invalid("variables must be a JSON object.");
        String hash = null;
        if (extensions != null && !extensions.isNull()) {
            if (!extensions.isObject()) return invalid("extensions must be a JSON object.");
            JsonNode pq = extensions.get("persistedQuery");
            if (pq != null && !pq.isNull()) {
                JsonNode h = pq.get("sha256Hash");
                if (!pq.isObject() || h == null || !h.isTextual()) return invalid("extensions.persistedQuery must carry a sha256Hash string.");
                hash = h.asText();
            }
        }
        return new Operation(query, operationName, variables == null || variables.isNull() ? null : variables, hash);
    }

    /** Decodes the GraphQL parameters of a query string; a parameter given twice is refused (which one would the upstream read?). */
    private static Refusal parameters(String rawQuery, Map<String, String> out) {
        if (rawQuery == null || rawQuery.isEmpty()) return null;
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return invalid("The query string is not valid URL encoding.");
            }
            if (HTTP_PARAMETERS.contains(key) && out.put(key, value) != null) {
                return invalid("The query string names query, operationName, variables or extensions more than once.");
            }
        }
        return null;
    }

    // ---- the document

    /** A selection set's measures, fragments expanded; counts saturate at {@link #SATURATED}. */
    private record Measure(long fields, long aliases, int depth, long complexity, boolean introspection) {}

    private Result measure(Document doc, String operationName, JsonNode variables, boolean queriesOnly) {
        List<OperationDefinition> operations = new ArrayList<>();
        Map<String, FragmentDefinition> fragments = new LinkedHashMap<>();
        for (Definition<?> d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition o) {
                operations.add(o);
            } else if (d instanceof FragmentDefinition f) {
                if (fragments.put(f.getName(), f) != null) return invalid("The document defines a fragment name twice.");
            } else {
                return invalid("The document may only hold operations and fragments.");
            }
        }
        if (operations.isEmpty()) return invalid("The document holds no operation.");
        Set<String> names = new HashSet<>();
        for (OperationDefinition o : operations) {
            if (o.getName() == null && operations.size() > 1) return invalid("An anonymous operation must be the only one in its document.");
            if (o.getName() != null && !names.add(o.getName())) return invalid("The document defines an operation name twice.");
        }
        OperationDefinition selected = null;
        if (operationName != null) {
            for (OperationDefinition o : operations) if (operationName.equals(o.getName())) selected = o;
            if (selected == null) return invalid("operationName names no operation of the document.");
        } else {
            if (operations.size() > 1) return invalid("The document holds " + operations.size() + " operations; operationName must name one.");
            selected = operations.getFirst();
        }
        if (queriesOnly && selected.getOperation() != OperationDefinition.Operation.QUERY) {
            return invalid("Only queries may be sent with GET; send mutations and subscriptions with POST.");
        }

        // The fragment graph: every spread defined, every fragment used, no cycles (then each is measured once).
        Map<String, Set<String>> spreads = new HashMap<>();
        for (FragmentDefinition f : fragments.values()) spreads.put(f.getName(), spreadsIn(f.getSelectionSet(), new LinkedHashSet<>()));
        Set<String> used = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        for (OperationDefinition o : operations) todo.addAll(spreadsIn(o.getSelectionSet(), new LinkedHashSet<>()));
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (!fragments.containsKey(name)) return invalid("The document spreads a fragment it does not define.");
            if (used.add(name)) todo.addAll(spreads.get(name));
        }
        if (used.size() < fragments.size()) return invalid("The document defines a fragment no operation uses.");
        // Kahn's algorithm, dependencies first; what is left over lies on (or behind) a cycle.
        Map<String, Integer> waitingOn = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (var e : spreads.entrySet()) {
            waitingOn.put(e.getKey(), e.getValue().size());
            for (String dep : e.getValue()) dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(e.getKey());
        }
        for (var e : waitingOn.entrySet()) if (e.getValue() == 0) todo.add(e.getKey());
        Map<String, Long> defaults = variableDefaults(operations);
        Walker walker = new Walker(variables, defaults);
        while (!todo.isEmpty()) {
            String name = todo.poll();
            walker.fragments.put(name, walker.measure(fragments.get(name).getSelectionSet()));
            for (String d : dependents.getOrDefault(name, List.of())) {
                if (waitingOn.merge(d, -1, Integer::sum) == 0) todo.add(d);
            }
        }
        if (walker.fragments.size() < fragments.size()) return invalid("The document's fragments spread each other in a cycle.");

        List<Measure> measures = new ArrayList<>(operations.size());
        for (OperationDefinition o : operations) {
            Measure m = walker.measure(o.getSelectionSet());
            if (m.introspection() && !introspection) return new Refusal(Code.INTROSPECTION_DISABLED, "Introspection (__schema, __type) is disabled on this route.");
            measures.add(m);
        }
        int depth = 0;
        long aliases = 0, fields = 0, complexity = 0;
        for (Measure m : measures) {
            if (m.depth() > config.maxDepth()) {
                return new Refusal(Code.TOO_DEEP, "The query nests " + m.depth() + " levels deep; this route allows at most " + config.maxDepth() + ".");
            }
            if (m.aliases() > config.maxAliases()) {
                return new Refusal(Code.TOO_MANY_ALIASES, "The query uses " + count(m.aliases()) + " aliases (fragments expanded); this route allows at most " + config.maxAliases() + ".");
            }
            if (m.fields() > config.maxFields()) {
                return new Refusal(Code.TOO_MANY_FIELDS, "The query selects " + count(m.fields()) + " fields (fragments expanded); this route allows at most " + config.maxFields() + ".");
            }
            if (m.complexity() > config.maxComplexity()) {
                return new Refusal(Code.TOO_COMPLEX, "The query's complexity is " + count(m.complexity()) + "; this route allows at most " + config.maxComplexity() + ".");
            }
            depth = Math.max(depth, m.depth());
            aliases = Math.max(aliases, m.aliases());
            fields = Math.max(fields, m.fields());
            complexity = Math.max(complexity, m.complexity());
        }
        return new Ok(1, depth, aliases, fields, complexity);
    }

    /** Measures selection sets, looking spreads up in the fragments already measured. Recursion is bounded by the parser's rule depth. */
    private static final class Walker {
        final Map<String, Measure> fragments = new HashMap<>();
        final JsonNode variables;
        final Map<String, Long> defaults;

        Walker(JsonNode variables, Map<String, Long> defaults) {
            this.variables = variables;
            this.defaults = defaults;
        }

        Measure measure(SelectionSet set) {
            long fields = 0, aliases = 0, complexity = 0;
            int depth = 0;
            boolean intro = false;
            for (Selection<?> s : set.getSelections()) {
                Measure m;
                if (s instanceof Field f) {
                    Measure sub = f.getSelectionSet() == null ? NONE : measure(f.getSelectionSet());
                    m = new Measure(add(1, sub.fields()), add(f.getAlias() == null ? 0 : 1, sub.aliases()), sub.depth() + 1,
                            multiply(multiplier(f), add(1, sub.complexity())), sub.introspection() || INTROSPECTION.contains(f.getName()));
                } else if (s instanceof FragmentSpread spread) {
                    m = fragments.get(spread.getName()); // measured before anything that spreads it
                } else if (s instanceof InlineFragment inline) {
                    m = measure(inline.getSelectionSet());
                } else {
                    throw new IllegalStateException("unknown selection " + s.getClass().getSimpleName());
                }
                fields = add(fields, m.fields());
                aliases = add(aliases, m.aliases());
                complexity = add(complexity, m.complexity());
                depth = Math.max(depth, m.depth());
                intro |= m.introspection();
            }
            return new Measure(fields, aliases, depth, complexity, intro);
        }

        /** The largest of first / last / limit when given as an integer (literal, variable, or the variable's default); else 1. */
        long multiplier(Field f) {
            long n = 1;
            for (Argument a : f.getArguments()) {
                if (!PAGE_ARGUMENTS.contains(a.getName())) continue;
                Value<?> v = a.getValue();
                if (v instanceof IntValue i) {
                    n = Math.max(n, clamp(i.getValue()));
                } else if (v instanceof VariableReference ref) {
                    JsonNode given = variables == null ? null : variables.get(ref.getName());
                    if (given != null && given.isIntegralNumber()) n = Math.max(n, clamp(given.bigIntegerValue()));
                    else if ((given == null || given.isNull()) && defaults.containsKey(ref.getName())) n = Math.max(n, defaults.get(ref.getName()));
                }
            }
            return n;
        }
    }

    /** Integer defaults of the operations' variables, by name (the largest when several operations declare one). */
    private static Map<String, Long> variableDefaults(List<OperationDefinition> operations) {
        Map<String, Long> out = new HashMap<>();
        for (OperationDefinition o : operations) {
            for (VariableDefinition v : o.getVariableDefinitions()) {
                if (v.getDefaultValue() instanceof IntValue i) out.merge(v.getName(), clamp(i.getValue()), Math::max);
            }
        }
        return out;
    }

    private static Set<String> spreadsIn(SelectionSet set, Set<String> out) {
        if (set == null) return out;
        for (Selection<?> s : set.getSelections()) {
            if (s instanceof FragmentSpread spread) out.add(spread.getName());
            else if (s instanceof Field f) spreadsIn(f.getSelectionSet(), out);
            else if (s instanceof InlineFragment inline) spreadsIn(inline.getSelectionSet(), out);
        }
        return out;
    }

    // ---- helpers

    private static Result combine(List<Result> results) {
        int ops = 0, depth = 0;
        long aliases = 0, fields = 0, complexity = 0;
        for (Result r : results) {
            Ok ok = (Ok) r;
            ops += ok.operations();
            depth = Math.max(depth, ok.depth());
            aliases = Math.max(aliases, ok.aliases());
            fields = Math.max(fields, ok.fields());
            complexity = Math.max(complexity, ok.complexity());
        }
        return new Ok(ops, depth, aliases, fields, complexity);
    }

    /** A page size of 0 or less still costs the field itself; a huge one saturates. */
    private static long clamp(BigInteger n) {
        if (n.signum() <= 0) return 1;
        return n.bitLength() > 62 ? SATURATED : Math.min(n.longValue(), SATURATED);
    }

    static long add(long a, long b) {
        return Math.min(a + b, SATURATED);
    }

    static long multiply(long a, long b) {
        return Math.min(a * b, SATURATED); // both ≤ SATURATED ≈ 1e9: the product fits a long
    }

    private static String count(long n) {
        return n >= SATURATED ? "more than " + GraphqlConfig.MAX_COMPLEXITY : Long.toString(n);
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    /** Strict UTF-8, or null: a malformed body is refused rather than read one way here and another upstream. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private Refusal tooLarge(long bytes) {
        return new Refusal(Code.DOCUMENT_TOO_LARGE, "The document is " + bytes + " bytes; this route accepts at most " + maxBytes + ".");
    }

    private static Refusal notPersisted() {
        return new Refusal(Code.QUERY_NOT_PERSISTED, "This route only runs persisted queries, and this one is not on its list.");
    }

    private static Refusal invalid(String message) {
        return new Refusal(Code.INVALID, message);
    }
}
