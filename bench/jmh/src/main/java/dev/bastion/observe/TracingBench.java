package dev.bastion.observe;

import dev.bastion.chain.Exchange;
import dev.bastion.config.TracingConfig;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path's cost of tracing (O1), per request, in one run: off (what every request pays with
 * tracing disabled), on and sampled (a server span, the 12 step spans of an authenticated chat request, one
 * upstream attempt with its {@code traceparent}, the end — spans queued for the batch processor, whose thread
 * hands them to an exporter that discards them), and on but not sampled ({@code sample_ratio: 0}). The
 * baseline is the access line the same request already writes. Serialisation and the HTTP export happen on
 * the processor's thread, off the event loop, and are not in these figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TracingBench {
    static final List<String> STEPS = List.of("address", "framing", "path", "route", "shape", "rate_limit_ip", "authenticate", "authorize",
            "rate_limit", "body", "budget", "guard");
    private Tracing sampled;
    private Tracing unsampled;
    private final AccessLog accessLog = new AccessLog(true, line -> { });

    /** Discards what it is given: the export's own cost is on the processor's thread. */
    static final class Discard implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        URI endpoint = URI.create("http://127.0.0.1:4318/v1/traces");
        sampled = Tracing.create(new TracingConfig(true, endpoint, 1.0, null, null, 65536, null, null), new Discard());
        unsampled = Tracing.create(new TracingConfig(true, endpoint, 0.0, null, null, 65536, null, null), new Discard());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // Spans the bounded queue refused (the discarding exporter's thread could not keep up): say so beside the figures.
        System.err.println("TracingBench: spans dropped by the bounded queue: " + sampled.droppedSpans());
        sampled.close();
        unsampled.close();
    }

    private static Exchange exchange() {
        Exchange ex = Exchange.builder().requestId("req-0123456789abcdef").method(HttpMethod.POST).path("/v1/chat/completions")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build();
        ex.routeId("chat");
        ex.operation("chat");
        ex.status(200);
        return ex;
    }

    private static Object request(Tracing tracing) {
        Exchange ex = exchange();
        RequestTrace trace = tracing.start(ex);
        for (String step : STEPS) if (trace != null) trace.step(step, 2_000);
        RequestTrace.Attempt attempt = trace == null ? null : trace.attempt(ex, "openai", "openai/gpt-4o-mini");
        if (attempt != null) attempt.end(1, 200, null);
        if (trace != null) trace.end(ex, "/v1/chat/completions", System.nanoTime());
        return ex;
    }

    /** Baseline: the access line the request writes anyway. */
    @Benchmark
    public Object accessLine() {
        Exchange ex = exchange();
        accessLog.finished(ex, System.nanoTime());
        return ex;
    }

    @Benchmark
    public Object off() {
        return request(Tracing.OFF);
    }

    @Benchmark
    public Object onSampled() {
        return request(sampled);
    }

    @Benchmark
    public Object onNotSampled() {
        return request(unsampled);
    }
}
