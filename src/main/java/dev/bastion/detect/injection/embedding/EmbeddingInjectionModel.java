package dev.bastion.detect.injection.embedding;

import dev.bastion.detect.injection.InjectionModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The learned injection detector of {@code injection.model: embedding}: the text's all-MiniLM-L6-v2
 * sentence embedding ({@link OnnxEncoder}) scored by a logistic-regression head ({@link EmbeddingHead})
 * trained on the injection corpus by {@link EmbeddingHeadTrainer}. A text longer than one 256-piece window
 * scores the highest of its windows, so an instruction buried in a long document still counts.
 *
 * <p>Costly (milliseconds of CPU per prompt, see docs/guardrails.md): call it from a worker pool, never
 * an event loop. Thread-safe; holds a native ONNX Runtime session until {@link #close()}.
 */
public final class EmbeddingInjectionModel implements InjectionModel, AutoCloseable {
    public static final String NAME = "embedding";
    static final String HEAD_RESOURCE = "/dev/bastion/detect/injection/embedding-head.json";

    private final OnnxEncoder encoder;
    private final EmbeddingHead head;

    public EmbeddingInjectionModel(OnnxEncoder encoder, EmbeddingHead head) {
        this.encoder = encoder;
        this.head = head;
    }

    /** The bundled encoder and head. */
    public static EmbeddingInjectionModel load() {
        return new EmbeddingInjectionModel(OnnxEncoder.load(), bundledHead());
    }

    static EmbeddingHead bundledHead() {
        try (InputStream in = EmbeddingInjectionModel.class.getResourceAsStream(HEAD_RESOURCE)) {
            if (in == null) throw new IllegalStateException(HEAD_RESOURCE + " is missing from the class path");
            return EmbeddingHead.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The score at or above which a text is flagged: the operating point chosen when training. */
    public double threshold() {
        return EmbeddingHead.THRESHOLD;
    }

    @Override
    public double score(String text) {
        if (text == null || text.isEmpty()) return 0;
        double best = 0;
        for (float[] window : encoder.embed(text)) best = Math.max(best, head.probability(window));
        return best;
    }

    /** Milliseconds per prompt: never on an event loop. */
    @Override
    public boolean needsWorker() {
        return true;
    }

    /** Makes {@code injection.model: embedding} known to the guardrails (META-INF/services). */
    public static final class Provider implements InjectionModel.Provider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InjectionModel load() {
            return EmbeddingInjectionModel.load();
        }
    }

    @Override
    public void close() {
        encoder.close();
    }
}
