package dev.bastion.guard;

import dev.bastion.config.GuardPolicy;
import dev.bastion.llm.PromptText;
import java.util.List;
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
 * The request-side guardrails on one prompt, every detector on (default policy: PII, secrets, injection):
 * the full inspection, and for reference the PII/secret scan and the injection score alone. Prompts are
 * realistic chat text with a few entities in it; {@code size} is the UTF-8 size of the user message
 * (640 B, as in the e2e benchmark, and 16 KiB). MB/s = size / time per op. Baseline: parsing the same
 * request body with Jackson.
 *
 * <p>The learned injection detector (issue 15): {@code inspectPhrasesOnly} is the full inspection with
 * {@code injection.model: phrases} (the detector before it), so {@code inspect} minus it is what the
 * default model adds; {@code linearModel} is the model's score alone, normalisation included.
 *
 * <p>The answer side on the same text: {@code answerWhole} inspects it as a whole (non-streamed) answer;
 * {@code answerStreamed} pushes it through the streamed guard as an SSE stream of one event per word (about
 * 5 characters each, as providers send), hold-back window and all — divide by the event count for the
 * cost per chunk. {@code sseBaseline} only splits the same stream into events, the least any SSE-aware
 * filter pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardBench {
    public static final String PARAGRAPH = "Our service returns intermittent 502 errors from the load balancer during deploys; the on-call "
            + "engineer (jane.doe@example.com, +1 415-555-2671) saw it on 10.1.2.3 after build 4.2.1. What is the most likely "
            + "cause, and which setting of the upstream pool should we check first to make rolling deploys graceful? ";

    @Param({"640", "16384"})
    int size;

    Guard guard;
    Guard phrasesGuard;
    dev.bastion.detect.injection.LinearInjectionModel linear;
    List<PromptText.Segment> segments;
    String text;
    byte[] body;
    final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

    @Setup
    public void setUp() {
        guard = Guard.of(GuardPolicy.DEFAULTS);
        phrasesGuard = Guard.of(new GuardPolicy(null, null, null, new GuardPolicy.Injection(null, null, "phrases", null, null), null));
        linear = dev.bastion.detect.injection.LinearInjectionModel.bundled();
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) sb.append(PARAGRAPH);
        text = sb.substring(0, size);
        segments = List.of(new PromptText.Segment("/messages/0/content", "You are a concise assistant for an internal knowledge base."),
                new PromptText.Segment("/messages/1/content", text));
        var root = json.createObjectNode().put("model", "gpt-4o");
        var messages = root.putArray("messages");
        for (PromptText.Segment seg : segments) messages.addObject().put("role", "user").put("content", seg.text());
        body = root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        setUpStream();
    }

    /** The baseline: parsing the same request body with Jackson, which any body-reading control pays. */
    @Benchmark
    public Object jsonParse() throws java.io.IOException {
        return json.readTree(body);
    }

    @Benchmark
    public Inspection inspect() {
        return guard.inspect(segments);
    }

    @Benchmark
    public Inspection inspectPhrasesOnly() {
        return phrasesGuard.inspect(segments);
    }

    @Benchmark
    public double linearModel() {
        return linear.score(text);
    }

    io.vertx.core.buffer.Buffer stream;
    int events;

    private void setUpStream() {
        StringBuilder sse = new StringBuilder();
        events = 0;
        for (String word : text.split("(?<= )")) {
            var chunk = json.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk");
            chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", word);
            sse.append("data: ").append(chunk).append("\n\n");
            events++;
        }
        stream = io.vertx.core.buffer.Buffer.buffer(sse.append("data: [DONE]\n\n").toString());
    }

    @Benchmark
    public Object answerWhole() {
        HeldText t = new HeldText(guard, null, guard.policy().output().streamWindow(), new AnswerRecord());
        t.append(text);
        t.decide(true);
        return t.render(0, text.length());
    }

    @Benchmark
    public int answerStreamed() {
        StreamedAnswer a = new StreamedAnswer(dev.bastion.config.RouteConfig.LlmApi.CHAT, guard, null, guard.policy().output().streamWindow(), new AnswerRecord());
        int n = 0;
        // Network writes of 256 bytes: several events each, some split.
        for (int i = 0; i < stream.length(); i += 256) n += a.feed(stream.getBuffer(i, Math.min(stream.length(), i + 256))).length();
        return n + a.finish().length();
    }

    @Benchmark
    public int sseBaseline() {
        dev.bastion.llm.SseSplitter splitter = new dev.bastion.llm.SseSplitter(1 << 20);
        int n = 0;
        for (int i = 0; i < stream.length(); i += 256) {
            for (io.vertx.core.buffer.Buffer ev : splitter.feed(stream.getBuffer(i, Math.min(stream.length(), i + 256)))) {
                n += dev.bastion.llm.SseSplitter.data(ev).length();
            }
        }
        return n;
    }

    @Benchmark
    public Object injectionOnly() {
        return new dev.bastion.detect.injection.InjectionScorer().score(text);
    }

}
