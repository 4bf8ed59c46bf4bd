package dev.bastion.mcpguard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Identity;
import dev.bastion.config.GuardPolicy;
import dev.bastion.guard.Guard;
import dev.bastion.mcp.McpCall;
import dev.bastion.mcp.McpItem;
import dev.bastion.mcp.McpMessage;
import dev.bastion.mcp.McpPolicies;
import dev.bastion.mcp.McpPolicy;
import dev.bastion.observe.AuditLog;
import java.util.List;
import java.util.Set;
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

/**
 * What the MCP guardrails cost per tool call: a typical call (a query, a limit, a list of filters; 0.4 KB) and its
 * result (a 1.5 KB text answer). {@code jsonParse} (baseline) parses the call, which the transport step pays anyway;
 * {@code arguments} is the parse plus {@link McpArgumentGuard#decide} (the default policy: PII and secrets scanned,
 * nothing found); {@code argumentsRedact} the same with an e-mail address redacted in place; {@code result} parses the
 * result and runs {@link McpResultGuard}'s inspector (secrets, PII, the injection score); {@code both} is the two
 * through the route's composite, as the gateway runs them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class McpGuardBench {
    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\",\"params\":{\"name\":\"search__lookup\",\"arguments\":"
            + "{\"query\":\"quarterly revenue of the EMEA region compared with last year, excluding one-off items\",\"limit\":20,"
            + "\"filters\":[{\"field\":\"region\",\"value\":\"EMEA\"},{\"field\":\"year\",\"value\":\"2026\"},{\"field\":\"kind\",\"value\":\"report\"}],"
            + "\"sort\":\"relevance\",\"note\":\"prefer the finance team's own summaries over press coverage where both exist\"}}}";
    static final String CALL_PII = CALL.replace("prefer the finance", "mail jane.doe@example.com; prefer the finance");
    static final String RESULT;

    static {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            text.append("Report ").append(i).append(": EMEA revenue grew 4.2% year on year, driven by enterprise renewals and a stronger "
                    + "services mix; ");
        }
        RESULT = "{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"resultType\":\"complete\"}}";
    }

    ObjectMapper mapper;
    byte[] call, callPii, result;
    Identity caller;
    McpItem item;
    McpArgumentGuard arguments;
    McpResultGuard results;
    McpPolicy both;

    @Setup
    public void setup() {
        mapper = new ObjectMapper();
        call = CALL.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        callPii = CALL_PII.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        result = RESULT.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        caller = Identity.apiKey("key_bench", "acme", Set.of("mcp.use"));
        item = new McpItem(McpItem.Kind.TOOL, "search", "lookup", "search__lookup", null);
        Guard guard = Guard.of(GuardPolicy.DEFAULTS);
        AuditLog none = (event, fields) -> {};
        arguments = new McpArgumentGuard("mcp", "default", (p, id) -> guard, none);
        results = new McpResultGuard("mcp", "default", (p, id) -> guard, none);
        both = McpPolicies.of(List.of(arguments, results));
    }

    private McpMessage message(byte[] bytes) throws java.io.IOException {
        ObjectNode body = (ObjectNode) mapper.readTree(bytes);
        return new McpMessage(body.get("id"), "tools/call", "search__lookup", "search__lookup", null, body);
    }

    @Benchmark
    public JsonNode jsonParse() throws java.io.IOException {
        return mapper.readTree(call);
    }

    @Benchmark
    public Object arguments() throws java.io.IOException {
        return arguments.decide(caller, item, message(call), McpCall.NONE).result();
    }

    @Benchmark
    public Object argumentsRedact() throws java.io.IOException {
        McpMessage m = message(callPii);
        arguments.decide(caller, item, m, McpCall.NONE);
        return m.body();
    }

    @Benchmark
    public JsonNode result() throws java.io.IOException {
        return results.results(caller, item, McpCall.NONE).inspect(mapper.readTree(result));
    }

    @Benchmark
    public JsonNode both() throws java.io.IOException {
        McpMessage m = message(call);
        both.decide(caller, item, m, McpCall.NONE);
        return both.results(caller, item, McpCall.NONE).inspect(mapper.readTree(result));
    }
}
