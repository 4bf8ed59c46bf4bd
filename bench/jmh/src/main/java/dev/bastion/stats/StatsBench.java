package dev.bastion.stats;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.llm.MeteredCall;
import dev.bastion.observe.AccessLog;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path's cost of the traffic and usage history (issue 21), per request: what {@link StatsRecorder#finished}
 * adds to the record step — a plain request, one the WAF refused (its rule ids counted), and an LLM call whose usage is
 * kept — spread over 64 (org, route) keys, on two threads as two event loops would. The baseline is the access line the
 * same request already writes. Writing the minute to the store happens on a worker, once a minute, and is not here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Threads(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StatsBench {
    static final int KEYS = 64;
    /** No store: nothing is flushed while measuring (the map holds a minute's keys, well under the cap). */
    private final StatsRecorder recorder = new StatsRecorder(null, "bench", Clock.systemUTC(), null);
    private final AccessLog accessLog = new AccessLog(true, line -> { });
    private final Exchange[] plain = new Exchange[KEYS];
    private final Exchange[] refused = new Exchange[KEYS];
    private final Exchange[] llm = new Exchange[KEYS];
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

    public StatsBench() {
        for (int i = 0; i < KEYS; i++) {
            plain[i] = exchange(i, 200);
            refused[i] = exchange(i, 403);
            refused[i].refusedBy("waf");
            refused[i].logField("waf", Map.of("action", "block", "score", 10, "rules", List.of(942100, 942190)));
            llm[i] = exchange(i, 200);
            llm[i].attribute(MeteredCall.class, new MeteredCall("gpt-4o-mini", 420, 180, 1_234));
        }
    }

    private static Exchange exchange(int i, int status) {
        Exchange ex = Exchange.builder().requestId("req-0123456789abcdef").method(HttpMethod.POST).path("/v1/chat/completions")
                .identity(Identity.apiKey("key_" + (i % 8), "org" + (i % 16), Set.of("invoke"))).build();
        ex.routeId("route" + (i % 4));
        ex.status(status);
        return ex;
    }

    private int slot() {
        return next.getAndIncrement() & (KEYS - 1);
    }

    /** Baseline: the access line the request writes anyway. */
    @Benchmark
    public Object accessLine() {
        Exchange ex = plain[slot()];
        accessLog.finished(ex, System.nanoTime());
        return ex;
    }

    @Benchmark
    public Object recordPlain() {
        Exchange ex = plain[slot()];
        recorder.finished(ex, System.nanoTime());
        return ex;
    }

    @Benchmark
    public Object recordWafRefusal() {
        Exchange ex = refused[slot()];
        recorder.finished(ex, System.nanoTime());
        return ex;
    }

    @Benchmark
    public Object recordLlmUsage() {
        Exchange ex = llm[slot()];
        recorder.finished(ex, System.nanoTime());
        return ex;
    }
}
