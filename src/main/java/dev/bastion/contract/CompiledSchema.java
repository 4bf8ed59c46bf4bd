package dev.bastion.contract;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.PathType;
import dev.bastion.chain.Verdict.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON Schema (draft 2020-12) compiled once, at load, and then used by every request of its route. Compiling
 * checks the schema against the 2020-12 meta-schema first, so a misspelt type or a non-array {@code required} is a
 * config error, not a schema that silently accepts everything. Nothing is fetched: a {@code $ref} may point inside
 * the schema ({@code #/$defs/…}) and to the meta-schemas the validator ships, nowhere else — a contract that needs
 * the network at load (or, worse, per request) is refused. {@code format} is asserted, not only annotated.
 */
public final class CompiledSchema {
    private static final String META_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    /** A violation list stops here: a flood of them helps no client and costs the gateway. */
    static final int MAX_VIOLATIONS = 20;
    private static final int MAX_POINTER = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // 2020-12, plus what OpenAPI 3.1 adds as keywords that validate nothing: "components", which a schema imported from a
    // document carries (its $refs point there), and the OpenAPI base vocabulary's annotations. An unknown keyword is
    // otherwise a WARN at every start.
    private static final Dialect DIALECT = Dialect.builder(Dialects.getDraft202012())
            .keywords(Stream.of("components", "discriminator", "xml", "externalDocs", "example").map(NonValidationKeyword::new).toList()).build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(DIALECT,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).formatAssertionsEnabled(true).build())
                    .schemaLoader(l -> l.fetchRemoteResources(false)));
    private static final Schema META = REGISTRY.getSchema(SchemaLocation.of(META_2020_12));

    private final Schema schema;
    private final JsonNode source;

    private CompiledSchema(Schema schema, JsonNode source) {
        this.schema = schema;
        this.source = source;
    }

    /**
     * Compiles {@code json}, a schema as JSON text.
     *
     * @throws IllegalArgumentException the schema is not a valid 2020-12 schema, or refers to what cannot be had
     *                                  without the network; the message names the schema's keywords, never data
     */
    public static CompiledSchema compile(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON");
        }
        List<Error> metaErrors = META.validate(node);
        if (!metaErrors.isEmpty()) {
            Error e = metaErrors.getFirst();
            throw new IllegalArgumentException("not a valid JSON Schema 2020-12: at " + pointerOrRoot(e.getInstanceLocation().toString())
                    + ", keyword " + e.getKeyword());
        }
        try {
            Schema s = REGISTRY.getSchema(node);
            s.initializeValidators(); // resolve every $ref now: an unresolvable one fails the load, not a request
            return new CompiledSchema(s, node);
        } catch (SchemaException e) {
            throw new IllegalArgumentException("cannot be compiled (" + describe(e) + ")");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot be compiled (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The schema as compiled (read by the query coercion, which needs each property's type). */
    JsonNode source() {
        return source;
    }

    /** The violations of {@code instance}, at most {@link #MAX_VIOLATIONS}; empty when it satisfies the schema. */
    public List<Violation> validate(JsonNode instance) {
        List<Error> errors = schema.validate(instance);
        if (errors.isEmpty()) return List.of();
        List<Violation> out = new ArrayList<>(Math.min(errors.size(), MAX_VIOLATIONS));
        for (Error e : errors) {
            if (out.size() == MAX_VIOLATIONS) break;
            String pointer = e.getInstanceLocation().toString();
            // A missing property is reported where it should have been; the name is the schema's, not the client's.
            if (("required".equals(e.getKeyword()) || "dependentRequired".equals(e.getKeyword())) && e.getProperty() != null) {
                pointer = pointer + "/" + Pointers.escape(e.getProperty());
            } else if (("additionalProperties".equals(e.getKeyword()) || "unevaluatedProperties".equals(e.getKeyword())) && e.getProperty() != null
                    && !pointer.endsWith("/" + Pointers.escape(e.getProperty()))) {
                pointer = pointer + "/" + Pointers.escape(e.getProperty());
            }
            Violation v = new Violation(cap(pointer), e.getKeyword());
            if (!out.contains(v)) out.add(v);
        }
        return out;
    }

    static String cap(String pointer) {
        return pointer.length() <= MAX_POINTER ? pointer : pointer.substring(0, MAX_POINTER);
    }

    private static String pointerOrRoot(String p) {
        return p.isEmpty() ? "the root" : p;
    }

    private static String describe(SchemaException e) {
        Error err = e.getError();
        if (err != null && err.getKeyword() != null) return "keyword " + err.getKeyword();
        return e.getClass().getSimpleName();
    }
}
