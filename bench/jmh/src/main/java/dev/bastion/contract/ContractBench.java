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
 * gateway calls it (parse, the silent limits, validation).
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
}
