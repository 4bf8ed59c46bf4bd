package dev.bastion.waf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request inspection of the benign bodies bench/waf.sh sends end to end — the 640-byte chat JSON and the
 * 4 KB form — with the headers wrk sends, under the api profile (every value inspected): extracting the
 * targets alone ({@code targets}), and targets plus every built-in rule of paranoia level {@code paranoia}
 * ({@code inspect}). Baseline: parsing the chat body with Jackson, which any body-reading control pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WafBench {
    static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":256,\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise "
            + "assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook section when one applies, and say so "
            + "plainly when you are not sure.\"},{\"role\":\"user\",\"content\":\"Our service returns intermittent 502 errors from the load balancer "
            + "during deploys. What is the most likely cause, and what setting should we check first on the upstream pool to make rolling deploys "
            + "graceful for in-flight requests? We run three replicas behind it.\"}]}";
    static final String FORM = "name=Jane+Doe&company=Example+Corp&plan=team&seats=25&notes="
            + "We+would+like+to+move+our+support+team+to+the+new+plan+next+month.+".repeat(40);

    @Param({"chat", "form"})
    String body;

    @Param({"1", "2"})
    int paranoia;

    Inspector inspector;
    byte[] bytes;
    String contentType;
    List<Map.Entry<String, String>> headers;
    final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    final byte[] chat = CHAT.getBytes(StandardCharsets.UTF_8);

    @Setup
    public void setUp() {
        inspector = new Inspector(RuleSet.load(List.of()), paranoia);
        boolean isChat = body.equals("chat");
        bytes = (isChat ? CHAT : FORM).getBytes(StandardCharsets.UTF_8);
        contentType = isChat ? "application/json" : "application/x-www-form-urlencoded";
        headers = List.of(Map.entry("Host", "127.0.0.1:8080"), Map.entry("Content-Type", contentType),
                Map.entry("Content-Length", Integer.toString(bytes.length)), Map.entry("Authorization", "Bearer bst_live_0123456789abcdef"));
    }

    @Benchmark
    public Object jsonParse() throws java.io.IOException {
        return json.readTree(chat);
    }

    @Benchmark
    public Object targets() {
        return RequestTargets.of("POST", "/on/v1/chat/completions", null, headers, contentType, bytes, tree -> java.util.Set.of());
    }

    @Benchmark
    public Object inspect() {
        RequestTargets t = RequestTargets.of("POST", "/on/v1/chat/completions", null, headers, contentType, bytes, tree -> java.util.Set.of());
        return inspector.inspect(t, List.of());
    }
}
