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
 * alone and the highest score counts. A long text is scored as its overlapping windows, so one
 * instruction buried in a long document is not averaged away by the document around it — and not as a
 * whole, where the 1/√n scale would let a sentence repeated many times add up to an attack.
 *
 * <p>The score is calibrated so that 0.5 is the operating point chosen in training (see
 * {@link LinearModelTrainer}): the policy's {@code flag_at: 0.5} means "what the model was trained to
 * call an attack". Weights are 8-bit integers with one step, in memory as on disk ({@link #write}): 2^18
 * slots are 256 KiB, which stay in a core's cache between requests. The model that ships is
 * {@code linear-model.bin.gz} beside this class, described by {@code linear-model.json}.
 *
 * <p>Immutable and thread-safe; a score costs one pass over the text per part and window.
 */
public final class LinearInjectionModel implements InjectionModel {
    public static final String NAME = "linear";
    static final String RESOURCE = "linear-model.bin.gz";
    private static final int MAGIC_NGRAMS = 0x42494c31; // "BIL1": n-grams only, the format before concepts
    private static final int MAGIC = 0x42494c32; // "BIL2": the concept value (an int) follows the bits
    private static final int MAX_CONCEPT_VALUE = 16;
    /** Windows of this many characters, every half window, for texts longer than one window. */
    static final int WINDOW = 320;

    private final int bits;
    private final int conceptValue; // how much each ConceptLexicon feature counts; 0: n-grams only
    private final byte[] weights; // quantised: the model as shipped is the model as trained and tested
    private final float step;
    private final double bias;

    /** Quantises {@code weights} to one signed byte each, as {@link #write} stores them. */
    LinearInjectionModel(int bits, int conceptValue, float[] weights, double bias) {
        if (weights.length != 1 << bits) throw new IllegalArgumentException("weights: " + weights.length + " (expected 2^" + bits + ")");
        float max = 0;
        for (float w : weights) max = Math.max(max, Math.abs(w));
        this.step = max == 0 ? 1 : max / 127f;
        if (conceptValue < 0 || conceptValue > MAX_CONCEPT_VALUE) throw new IllegalArgumentException("concept value: " + conceptValue);
        this.bits = bits;
        this.conceptValue = conceptValue;
        this.weights = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) this.weights[i] = (byte) Math.round(weights[i] / step);
        this.bias = bias;
    }

    private LinearInjectionModel(int bits, int conceptValue, byte[] weights, float step, double bias) {
        this.bits = bits;
        this.conceptValue = conceptValue;
        this.weights = weights;
        this.step = step;
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
        return raw == null || raw.isEmpty() ? 0 : scoreParts(InjectionText.of(raw));
    }

    @Override
    public double scoreParts(InjectionText text) {
        double best = 0;
        for (String part : text.parts()) best = Math.max(best, scoreNormalised(part));
        return best;
    }

    /**
     * The score of text already normalised: of the whole, or for a long text of its most attack-like
     * window — from one pass, since a window's features are those that end inside it.
     */
    double scoreNormalised(String text) {
        int n = text.length();
        if (n == 0) return 0;
        NgramFeatures.Buffer features = scratch(n);
        boolean whole = n <= WINDOW + WINDOW / 2;
        if (whole) NgramFeatures.emitSlots(text, bits, conceptValue, features); // scored whole: where features end is not read
        else NgramFeatures.emit(text, bits, conceptValue, features);
        int[] slots = features.slots;
        int count = features.size;
        if (whole) {
            int sum = 0;
            for (int i = 0; i < count; i++) sum += weights[slots[i]];
            return sigmoid(margin(sum, count));
        }
        // prefix[i]: the sum of the weights of the features before i, written over slots already read.
        int[] prefix = slots;
        int total = 0;
        for (int i = 0; i < count; i++) {
            int w = weights[slots[i]];
            prefix[i] = total;
            total += w;
        }
        double best = Double.NEGATIVE_INFINITY;
        int lo = 0, hi = 0;
        for (int from = 0; from < n - WINDOW / 2; from += WINDOW / 2) {
            lo = features.firstEndingAt(from, lo);
            hi = features.firstEndingAt(Math.min(n, from + WINDOW), Math.max(hi, lo));
            int sum = (hi < count ? prefix[hi] : total) - (lo < count ? prefix[lo] : total);
            best = Math.max(best, margin(sum, hi - lo));
        }
        return sigmoid(best);
    }

    /** Each event loop scores many texts: one buffer per thread, dropped when a huge text grew it too far. */
    private static final ThreadLocal<NgramFeatures.Buffer> SCRATCH = ThreadLocal.withInitial(() -> new NgramFeatures.Buffer(4096));
    private static final int SCRATCH_KEPT = 1 << 16;

    private NgramFeatures.Buffer scratch(int length) {
        if (NgramFeatures.capacity(length, conceptValue) > SCRATCH_KEPT) return new NgramFeatures.Buffer(0);
        return SCRATCH.get();
    }

    private double margin(int quantisedSum, int count) {
        return quantisedSum * step * NgramFeatures.scale(count) + bias;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    int bits() {
        return bits;
    }

    int conceptValue() {
        return conceptValue;
    }

    /** What a model with this concept value reads, for its description file. */
    public static String describeFeatures(int conceptValue) {
        return "hashed char 3-5-grams and word 1-2-grams" + (conceptValue == 0 ? ""
                : "; concept classes and class pairs within " + NgramFeatures.CONCEPT_SPAN + " words, each counting " + conceptValue);
    }

    /** The model as one signed byte per weight plus one step, gzipped: 2^bits bytes before compression. */
    public byte[] write() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(MAGIC);
            out.writeInt(bits);
            out.writeInt(conceptValue);
            out.writeDouble(bias);
            out.writeFloat(step);
            out.write(weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static LinearInjectionModel read(InputStream raw) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_NGRAMS) throw new IOException("not a Bastion linear injection model");
            int bits = in.readInt();
            if (bits < 8 || bits > 24) throw new IOException("model bits out of range: " + bits);
            int conceptValue = magic == MAGIC ? in.readInt() : 0;
            if (conceptValue < 0 || conceptValue > MAX_CONCEPT_VALUE) throw new IOException("model concept value out of range: " + conceptValue);
            double bias = in.readDouble();
            float step = in.readFloat();
            if (!(step > 0) || Float.isInfinite(step) || Double.isNaN(bias) || Double.isInfinite(bias)) throw new IOException("model scale out of range");
            byte[] q = in.readNBytes(1 << bits);
            if (q.length != 1 << bits) throw new IOException("model truncated");
            return new LinearInjectionModel(bits, conceptValue, q, step, bias);
        }
    }
}
