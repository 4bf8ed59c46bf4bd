package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.List;

/**
 * The strongest weight each signal reached, combined by noisy-OR: {@code 1 - Π(1 - w)}. Independent
 * evidence adds up (two weak signals score more than either alone) yet never passes 1, and one strong
 * signal is enough on its own. Within a signal only the strongest match counts, so one attack phrase
 * that several patterns recognise is not counted twice. Signals are indexes into
 * {@link InjectionSignals#ALL}, so raising and reading one is an array access.
 */
final class SignalWeights {
    private static final int NOT_RAISED = -1;
    /**
     * The order weights are multiplied in: the one they always were (a hash map's). A floating-point
     * product depends on its order, and a score landing exactly on a threshold must stay on its side.
     */
    private static final int[] COMBINE_ORDER = indexes(InjectionSignals.SYSTEM_PROMPT_EXTRACTION, InjectionSignals.HOMOGLYPHS,
            InjectionSignals.INSTRUCTION_OVERRIDE, InjectionSignals.MULTILINGUAL_OVERRIDE, InjectionSignals.INVISIBLE_CHARACTERS,
            InjectionSignals.ENCODED_PAYLOAD, InjectionSignals.ROLE_TAG_INJECTION, InjectionSignals.ROLE_HIJACK);

    private final double[] weights = new double[InjectionSignals.ALL.size()];

    SignalWeights() {
        java.util.Arrays.fill(weights, NOT_RAISED);
    }

    /** The index of a signal id, for {@link #raise(int, double)} and {@link #get(int)}. */
    static int index(String signal) {
        int i = InjectionSignals.ALL.indexOf(signal);
        if (i < 0) throw new IllegalArgumentException("unknown signal " + signal);
        return i;
    }

    void raise(String signal, double weight) {
        raise(index(signal), weight);
    }

    void raise(int signal, double weight) {
        if (weights[signal] == NOT_RAISED || weight > weights[signal]) weights[signal] = weight;
    }

    double get(int signal) {
        return Math.max(0, weights[signal]);
    }

    double strongest() {
        double max = 0;
        for (double w : weights) max = Math.max(max, w);
        return max;
    }

    /** Raises every signal of {@code other} that reached at least {@code minimum}. */
    void raiseAll(SignalWeights other, double minimum) {
        for (int i = 0; i < weights.length; i++) {
            if (other.weights[i] != NOT_RAISED && other.weights[i] >= minimum) raise(i, other.weights[i]);
        }
    }

    static double noisyOr(Iterable<Double> weights) {
        double miss = 1;
        for (double w : weights) miss *= 1 - w;
        return 1 - miss;
    }

    InjectionVerdict verdict() {
        List<String> fired = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) if (weights[i] != NOT_RAISED) fired.add(InjectionSignals.ALL.get(i));
        if (fired.isEmpty()) return InjectionVerdict.NONE;
        double miss = 1;
        for (int i : COMBINE_ORDER) if (weights[i] != NOT_RAISED) miss *= 1 - weights[i];
        return new InjectionVerdict(Math.min(1, Math.max(0, 1 - miss)), fired);
    }

    private static int[] indexes(String... signals) {
        if (signals.length != InjectionSignals.ALL.size()) throw new IllegalStateException("every signal has its place in the product");
        int[] out = new int[signals.length];
        for (int i = 0; i < signals.length; i++) out[i] = index(signals[i]);
        return out;
    }
}
