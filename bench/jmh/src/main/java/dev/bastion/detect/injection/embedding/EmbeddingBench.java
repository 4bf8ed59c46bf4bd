package dev.bastion.detect.injection.embedding;

import dev.bastion.detect.injection.InjectionScorer;
import dev.bastion.guard.GuardBench;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedding injection detector ({@code injection.model: embedding}) on one prompt, single thread (one
 * ONNX Runtime intra-op thread, as the gateway runs it): the whole score, and the tokenizer alone.
 * Baseline: the default heuristic scorer on the same text. {@code size} is the UTF-8 size of the prompt:
 * 640 B (as in GuardBench and the e2e benchmark, about 140 word pieces, one window) and 16 KiB (capped at
 * four 256-piece windows).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EmbeddingBench {
    @Param({"640", "16384"})
    int size;

    String text;
    EmbeddingInjectionModel model;
    WordPieceTokenizer tokenizer;
    final InjectionScorer heuristic = new InjectionScorer();

    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) sb.append(GuardBench.PARAGRAPH);
        text = sb.substring(0, size);
        model = EmbeddingInjectionModel.load();
        try (var in = EmbeddingBench.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            tokenizer = WordPieceTokenizer.read(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public Object heuristic() {
        return heuristic.score(text);
    }

    @Benchmark
    public double embedding() {
        return model.score(text);
    }

    @Benchmark
    public int[] tokenize() {
        return tokenizer.ids(text);
    }
}
