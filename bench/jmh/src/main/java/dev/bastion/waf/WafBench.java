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
 * ({@code inspect}). {@code gatewayCheck} is {@link WafControl#check} as the gateway calls it: on an
 * {@code Exchange} with the 637-byte chat POST of bench/full.sh (or the form) and the headers an SDK
 * sends, under the llm profile in block mode, the body's JSON already parsed by an earlier control (the
 * exchange's one parse, which the WAF shares). Baseline: parsing the chat body with Jackson, which any
 * body-reading control pays.
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
    /** bench/e2e.sh's and bench/full.sh's chat POST (637 bytes). */
    static final String GATEWAY_CHAT = "{\"model\":\"mock-gpt-small\",\"temperature\":0.2,\"max_tokens\":256,\"messages\":[{\"role\":\"system\","
            + "\"content\":\"You are a concise assistant for an internal engineering knowledge base. Answer in two sentences, cite the runbook "
            + "section when one applies, and say so plainly when you are not sure.\"},{\"role\":\"user\",\"content\":\"Our service returns "
            + "intermittent 502 errors from the load balancer during deploys. What is the most likely cause, and what setting should we check "
            + "first on the upstream pool to make rolling deploys graceful for in-flight requests?\"}],\"user\":\"bench-user-0001\","
            + "\"metadata\":{\"team\":\"platform\",\"ticket\":\"OPS-4821\",\"env\":\"staging\"}}";
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
    WafControl waf;
    /** More requests than the inspector remembers values. */
    final dev.bastion.chain.Exchange[] exchanges = new dev.bastion.chain.Exchange[4096];
    int next;
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
        gateway(isChat ? GATEWAY_CHAT : FORM, contentType);
    }

    /**
     * The route's control, and requests as the server hands them over: Vert.x's header map, the body parsed.
     * Each request has its own {@code X-Request-Id} and {@code user}, and its own copies of every string, as
     * on the wire; there are more of them than the inspector remembers values, so what differs from request
     * to request is inspected afresh every time.
     */
    private void gateway(String requestBody, String type) {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        waf = new WafControl(inspector, new dev.bastion.config.WafRulesConfig(null, paranoia, null, null, null), "bench",
                new dev.bastion.config.RouteWafConfig(dev.bastion.config.RouteWafConfig.Profile.LLM, null, null),
                dev.bastion.config.RouteConfig.LlmApi.CHAT, false,
                new BlockedRequestLog((event, fields) -> { }, 20, registry), new WafMeters(inspector, registry));
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < exchanges.length; i++) {
            String user = String.format("bench-user-%04d", i);
            byte[] payload = (requestBody.equals(GATEWAY_CHAT) ? requestBody.replace("bench-user-0001", user) : requestBody).getBytes(StandardCharsets.UTF_8);
            io.vertx.core.MultiMap h = io.vertx.core.http.HttpHeaders.headers();
            String[][] headers = {{"Host", "127.0.0.1:8080"}, {"Accept-Encoding", "gzip, deflate"}, {"Connection", "keep-alive"},
                    {"Accept", "application/json"}, {"Content-Type", type}, {"User-Agent", "OpenAI/Python 1.54.4"}, {"X-Stainless-Lang", "python"},
                    {"Authorization", "Bearer bst_7fK2pQ9xLm4ZtR8vBn3WcY6hJd1sGe5aUq0kXo"},
                    {"X-Request-Id", new java.util.UUID(random.nextLong(), random.nextLong()).toString()},
                    {"Content-Length", Integer.toString(payload.length)}};
            for (String[] nv : headers) h.add(new String(nv[0]), new String(nv[1]));
            exchanges[i] = dev.bastion.chain.Exchange.builder().method(io.vertx.core.http.HttpMethod.POST).path(new String("/v1/chat/completions"))
                    .headers(h).body(io.vertx.core.buffer.Buffer.buffer(payload)).build();
            exchanges[i].json().tree(); // the exchange's one parse, done by the control before (the budget) in the gateway
            if (waf.check(exchanges[i]) != dev.bastion.chain.Verdict.ALLOWED) throw new IllegalStateException("the benign request was refused");
        }
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
    public Object gatewayCheck() {
        return waf.check(exchanges[next++ & (exchanges.length - 1)]);
    }

    @Benchmark
    public Object inspect() {
        RequestTargets t = RequestTargets.of("POST", "/on/v1/chat/completions", null, headers, contentType, bytes, tree -> java.util.Set.of());
        return inspector.inspect(t, List.of());
    }
}
