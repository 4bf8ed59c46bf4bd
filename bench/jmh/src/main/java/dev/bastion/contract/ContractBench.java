package dev.bastion.contract;

import com.github.erosb.jsonsKema.FormatValidationPolicy;
import com.github.erosb.jsonsKema.JsonParser;
import com.github.erosb.jsonsKema.SchemaLoader;
import com.github.erosb.jsonsKema.ValidationFailure;
import com.github.erosb.jsonsKema.Validator;
import com.github.erosb.jsonsKema.ValidatorConfig;
import dev.bastion.config.ContractsConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a route contract costs per request, and the two validators it was chosen between: a 2 KB "create card"
 * body (nested objects, arrays, formats, a $ref) against a typical API schema, valid, so every keyword runs.
 * {@code jsonParse} (baseline) is parsing the body with Jackson 3, which any contract pays; {@code networknt}
 * is the parse plus json-schema-validator 3.0.9's validation (what Bastion uses); {@code skema} is the same with
 * json-sKema 0.32.0 (its own parser, as it requires); {@code contract} is {@link RequestContract#check} as the
 * gateway calls it (parse, the silent limits, validation). {@code document} is the same body sent to a route that
 * takes a whole OpenAPI document of 50 paths ({@code POST /api/r7/{id}/items?notify=true}): the contract step as the
 * gateway runs it (exchange in, verdict out) — the operation's lookup, its path and query parameters, the body; and
 * {@code documentLookup} is the lookup alone, among the same 50 path templates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContractBench {
    static final String SCHEMA = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["title","column","owner","checklist"],
             "additionalProperties":false,
             "properties":{
               "title":{"type":"string","minLength":1,"maxLength":200},
               "description":{"type":"string","maxLength":4000},
               "column":{"enum":["todo","doing","review","done"]},
               "points":{"type":"integer","minimum":0,"maximum":100},
               "due":{"type":"string","format":"date"},
               "owner":{"$ref":"#/$defs/user"},
               "watchers":{"type":"array","items":{"$ref":"#/$defs/user"},"maxItems":50},
               "labels":{"type":"array","items":{"type":"string","pattern":"^[a-z0-9-]{1,32}$"},"uniqueItems":true,"maxItems":20},
               "checklist":{"type":"array","items":{"type":"object","required":["text","done"],"additionalProperties":false,
                            "properties":{"text":{"type":"string","maxLength":500},"done":{"type":"boolean"}}}},
               "links":{"type":"array","items":{"type":"string","format":"uri"}}
             },
             "$defs":{"user":{"type":"object","required":["id"],"additionalProperties":false,
                      "properties":{"id":{"type":"string","pattern":"^u-[0-9]+$"},"email":{"type":"string","format":"email"},"name":{"type":"string"}}}}}
            """;
    static final String BODY;

    static {
        StringBuilder checklist = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            if (i > 0) checklist.append(',');
            checklist.append("{\"text\":\"Step ").append(i).append(": review the rollout plan with the on-call engineer\",\"done\":").append(i % 2 == 0).append('}');
        }
        BODY = "{\"title\":\"Make rolling deploys graceful for in-flight requests\",\"description\":\"Our service returns intermittent 502 "
                + "errors from the load balancer during deploys; drain connections before stopping a replica.\",\"column\":\"doing\",\"points\":8,"
                + "\"due\":\"2026-12-24\",\"owner\":{\"id\":\"u-1042\",\"email\":\"jane@example.com\",\"name\":\"Jane Doe\"},"
                + "\"watchers\":[{\"id\":\"u-7\",\"email\":\"sam@example.com\"},{\"id\":\"u-19\",\"name\":\"Lee\"},{\"id\":\"u-23\"}],"
                + "\"labels\":[\"ops\",\"deploys\",\"p2\",\"load-balancer\"],\"checklist\":[" + checklist + "],"
                + "\"links\":[\"https://runbooks.example.com/deploys#drain\",\"https://status.example.com/incidents/4821\"]}";
    }

    byte[] bytes;
    JsonMapper jackson;
    com.networknt.schema.Schema networknt;
    Validator skema;
    RequestContract contract;
    ContractControl document;
    OperationTable table;
    static final int RESOURCES = 10; // × 5 path templates each = 50 paths

    /** A document of 50 paths whose {@code POST /r7/{id}/items} takes the card body. */
    static String openapi() {
        StringBuilder paths = new StringBuilder();
        for (int r = 0; r < RESOURCES; r++) {
            String id = "{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9]{6}$\"}}";
            String ok = "\"responses\":{\"200\":{\"description\":\"ok\"}}";
            if (r > 0) paths.append(',');
            paths.append("\"/r").append(r).append("\":{\"get\":{\"operationId\":\"list").append(r).append("\",").append(ok).append("}},")
                    .append("\"/r").append(r).append("/search\":{\"get\":{\"operationId\":\"search").append(r).append("\",").append(ok).append("}},")
                    .append("\"/r").append(r).append("/{id}\":{\"parameters\":[").append(id).append("],\"get\":{\"operationId\":\"get").append(r).append("\",").append(ok).append("}},")
                    .append("\"/r").append(r).append("/{id}/items\":{\"parameters\":[").append(id).append("],\"post\":{\"operationId\":\"add").append(r)
                    .append("\",\"parameters\":[{\"name\":\"notify\",\"in\":\"query\",\"schema\":{\"type\":\"boolean\"}}],")
                    .append("\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Card\"}}}},")
                    .append(ok).append("}},")
                    .append("\"/r").append(r).append("/{id}/items/{itemId}\":{\"parameters\":[").append(id)
                    .append(",{\"name\":\"itemId\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"integer\"}}],\"get\":{\"operationId\":\"item")
                    .append(r).append("\",").append(ok).append("}}");
        }
        // The card schema, its $defs moved to components where OpenAPI keeps them.
        tools.jackson.databind.node.ObjectNode card = (tools.jackson.databind.node.ObjectNode) JsonMapper.builder().build()
                .readTree(SCHEMA.replace("#/$defs/user", "#/components/schemas/User"));
        card.remove("$schema");
        tools.jackson.databind.JsonNode user = card.remove("$defs").get("user");
        return "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"bench\",\"version\":\"1\"},\"servers\":[{\"url\":\"https://api.example.com/api\"}],"
                + "\"paths\":{" + paths + "},\"components\":{\"schemas\":{\"Card\":" + card + ",\"User\":" + user + "}}}";
    }

    @Setup
    public void setup() {
        bytes = BODY.getBytes(StandardCharsets.UTF_8);
        jackson = JsonMapper.builder().build();
        networknt = com.networknt.schema.SchemaRegistry.withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(com.networknt.schema.SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
                .getSchema(SCHEMA);
        skema = Validator.create(new SchemaLoader(new JsonParser(SCHEMA).parse()).load(), new ValidatorConfig(FormatValidationPolicy.ALWAYS));
        contract = new RequestContract(CompiledSchema.compile(SCHEMA), null, ContractsConfig.DEFAULTS);
        if (!networknt.validate(jackson.readTree(bytes)).isEmpty()) throw new IllegalStateException("networknt: body invalid");
        ValidationFailure f = skema.validate(new JsonParser(new String(bytes, StandardCharsets.UTF_8)).parse());
        if (f != null) throw new IllegalStateException("skema: body invalid: " + f);
        if (!contract.check("POST", "application/json", bytes, null).valid()) throw new IllegalStateException("contract: body invalid");
        if (bytes.length < 1900 || bytes.length > 2300) throw new IllegalStateException("body is " + bytes.length + " bytes, not about 2 KB");

        try {
            java.nio.file.Path doc = java.nio.file.Files.createTempFile("bench-openapi", ".json");
            doc.toFile().deleteOnExit();
            java.nio.file.Files.writeString(doc, openapi());
            dev.bastion.config.BastionConfig config = new dev.bastion.config.ConfigLoader().parse("""
                    listeners: { public: { host: 127.0.0.1, port: 0 }, admin: { host: 127.0.0.1, port: 0 } }
                    store: { url: "sqlite::memory:" }
                    upstreams: { app: { url: "http://127.0.0.1:1" } }
                    routes:
                      - id: api
                        match: { methods: [GET, POST], path: /api/* }
                        upstream: app
                        public: true
                        contract: { openapi: { file: "%s" } }
                    """.formatted(doc), "bench.yaml");
            document = Contracts.compile(config).control("api", new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dev.bastion.chain.Verdict v = document.check(documentExchange()).result();
        if (!(v instanceof dev.bastion.chain.Verdict.Allow)) throw new IllegalStateException("document: request refused: " + v);
        table = new OperationTable();
        for (int r = 0; r < RESOURCES; r++) {
            for (String t : new String[] {"/r" + r, "/r" + r + "/search", "/r" + r + "/{id}", "/r" + r + "/{id}/items", "/r" + r + "/{id}/items/{itemId}"}) {
                table.add(t, "GET", new OperationContract(t, null, null));
            }
        }
        if (!(table.find("GET", "/r7/abc123/items/42") instanceof OperationTable.Found)) throw new IllegalStateException("lookup failed");
    }

    dev.bastion.chain.Exchange documentExchange() {
        return dev.bastion.chain.Exchange.builder().method(io.vertx.core.http.HttpMethod.POST).path("/api/r7/abc123/items").rawQuery("notify=true")
                .header("Content-Type", "application/json").body(io.vertx.core.buffer.Buffer.buffer(bytes)).build();
    }

    @Benchmark
    public Object jsonParse() {
        return jackson.readTree(bytes);
    }

    @Benchmark
    public Object networknt() {
        return networknt.validate(jackson.readTree(bytes));
    }

    @Benchmark
    public Object skema() {
        return skema.validate(new JsonParser(new String(bytes, StandardCharsets.UTF_8)).parse());
    }

    @Benchmark
    public Object contract() {
        return contract.check("POST", "application/json", bytes, null);
    }

    @Benchmark
    public Object document() {
        return document.check(documentExchange());
    }

    @Benchmark
    public Object documentLookup() {
        return table.find("GET", "/r7/abc123/items/42");
    }
}
