package dev.bastion.detect.injection;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The default learned injection detector: logistic regression over hashed character and word n-grams
 * ({@link NgramFeatures}) of the {@linkplain InjectionText normalised} text. Each part of the text (the
 * text itself, what was hidden in tag characters, what decoded from base64, hex or URL encoding) is scored
 * alone and the highest score counts. A long text is also scored in overlapping windows, so one
 * instruction buried in a long document is not averaged away by the document around it.
 *
 * <p>The score is calibrated so that 0.5 is the operating point chosen in training (see
 * {@link LinearModelTrainer}): the policy's {@code flag_at: 0.5} means "what the model was trained to
 * call an attack". Weights are stored as 8-bit integers with one scale ({@link #write}); the model that
 * ships is {@code linear-model.bin.gz} beside this class, described by {@code linear-model.json}.
 *
 * <p>Immutable and thread-safe; a score costs one pass over the text per part and window.
 */
public final class LinearInjectionModel implements InjectionModel {
    public static final String NAME = "linear";
    static final String RESOURCE = "linear-model.bin.gz";
    private static final int MAGIC = 0x42494c31; // "BIL1"
    /** Windows of this many characters, every half window, for texts longer than one window. */
    static final int WINDOW = 320;

    private final int bits;
    private final float[] weights;
    private final double bias;

    LinearInjectionModel(int bits, float[] weights, double bias) {
        if (weights.length != 1 << bits) throw new IllegalArgumentException("weights: " + weights.length + " (expected 2^" + bits + ")");
        this.bits = bits;
        this.weights = weights;
        this.bias = bias;
    }

    /** The model that ships with Bastion. */
    public static LinearInjectionModel bundled() {
        try (InputStream in = LinearInjectionModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the bundled injection model is missing: " + RESOURCE);
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double score(String raw) {
        if (raw == null || raw.isEmpty()) return 0;
        double best = 0;
        for (String part : InjectionText.of(raw).parts()) best = Math.max(best, scoreNormalised(part));
        return best;
    }

    /** The score of text already normalised, whole and in windows. */
    double scoreNormalised(String text) {
        if (text.isEmpty()) return 0;
        double best = sigmoid(margin(text, 0, text.length()));
        if (text.length() > WINDOW + WINDOW / 2) {
            for (int from = 0; from < text.length() - WINDOW / 2; from += WINDOW / 2) {
                best = Math.max(best, sigmoid(margin(text, from, Math.min(text.length(), from + WINDOW))));
            }
        }
        return best;
    }

    private double margin(String text, int from, int to) {
        Dot dot = new Dot(weights);
        int n = NgramFeatures.emit(from == 0 && to == text.length() ? text : text.substring(from, to), bits, dot);
        return dot.sum * NgramFeatures.scale(n) + bias;
    }

    private static final class Dot implements NgramFeatures.Sink {
        private final float[] w;
        double sum;

        Dot(float[] w) {
            this.w = w;
        }

        @Override
        public void add(int slot) {
            sum += w[slot];
        }
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    int bits() {
        return bits;
    }

    /** The model quantised to one signed byte per weight plus one scale, gzipped: 2^bits bytes before compression. */
    public byte[] write() {
        float max = 0;
        for (float w : weights) max = Math.max(max, Math.abs(w));
        float scale = max == 0 ? 1 : max / 127f;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(MAGIC);
            out.writeInt(bits);
            out.writeDouble(bias);
            out.writeFloat(scale);
            byte[] q = new byte[weights.length];
            for (int i = 0; i < weights.length; i++) q[i] = (byte) Math.round(weights[i] / scale);
            out.write(q);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static LinearInjectionModel read(InputStream raw) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != MAGIC) throw new IOException("not a Bastion linear injection model");
            int bits = in.readInt();
            if (bits < 8 || bits > 24) throw new IOException("model bits out of range: " + bits);
            double bias = in.readDouble();
            float scale = in.readFloat();
            byte[] q = in.readNBytes(1 << bits);
            if (q.length != 1 << bits) throw new IOException("model truncated");
            float[] w = new float[q.length];
            for (int i = 0; i < q.length; i++) w[i] = q[i] * scale;
            return new LinearInjectionModel(bits, w, bias);
        }
    }
}
