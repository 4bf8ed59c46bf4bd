package dev.bastion.detect.injection.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The trained part of the embedding detector: logistic regression over the 384 embedding dimensions.
 * The bias already carries the chosen operating point, so {@code probability >= 0.5} is the flag.
 * Immutable and thread-safe (the arrays are never handed out).
 */
public final class EmbeddingHead {
    public static final double THRESHOLD = 0.5;

    private final double[] weights;
    private final double bias;

    public EmbeddingHead(double[] weights, double bias) {
        if (weights.length != OnnxEncoder.DIM) throw new IllegalArgumentException("head needs " + OnnxEncoder.DIM + " weights, has " + weights.length);
        this.weights = weights.clone();
        this.bias = bias;
    }

    /** Reads {@code weights} and {@code bias} of the head file; the rest of it documents how it was made. */
    public static EmbeddingHead read(InputStream json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode w = root.path("weights");
        if (!w.isArray() || !root.path("bias").isNumber()) throw new IllegalArgumentException("head file needs \"weights\" and \"bias\"");
        double[] weights = new double[w.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = w.get(i).asDouble();
        return new EmbeddingHead(weights, root.path("bias").asDouble());
    }

    public double logit(float[] embedding) {
        double s = bias;
        for (int i = 0; i < weights.length; i++) s += weights[i] * embedding[i];
        return s;
    }

    public double probability(float[] embedding) {
        return sigmoid(logit(embedding));
    }

    double[] weights() {
        return weights.clone();
    }

    double bias() {
        return bias;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
