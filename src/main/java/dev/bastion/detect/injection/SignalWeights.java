package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The strongest weight each signal reached, combined by noisy-OR: {@code 1 - Π(1 - w)}. Independent
 * evidence adds up (two weak signals score more than either alone) yet never passes 1, and one strong
 * signal is enough on its own. Within a signal only the strongest match counts, so one attack phrase
 * that several patterns recognise is not counted twice.
 */
final class SignalWeights {
    private final Map<String, Double> weights = new HashMap<>();

    void raise(String signal, double weight) {
        weights.merge(signal, weight, Math::max);
    }

    double get(String signal) {
        return weights.getOrDefault(signal, 0.0);
    }

    boolean isEmpty() {
        return weights.isEmpty();
    }

    double strongest() {
        double max = 0;
        for (double w : weights.values()) max = Math.max(max, w);
        return max;
    }

    /** Raises every signal of {@code other} that reached at least {@code minimum}. */
    void raiseAll(SignalWeights other, double minimum) {
        other.weights.forEach((signal, w) -> {
            if (w >= minimum) raise(signal, w);
        });
    }

    static double noisyOr(Iterable<Double> weights) {
        double miss = 1;
        for (double w : weights) miss *= 1 - w;
        return 1 - miss;
    }

    InjectionVerdict verdict() {
        if (weights.isEmpty()) return InjectionVerdict.NONE;
        List<String> fired = new ArrayList<>();
        for (String id : InjectionSignals.ALL) if (weights.containsKey(id)) fired.add(id);
        double score = Math.min(1, Math.max(0, noisyOr(weights.values())));
        return new InjectionVerdict(score, fired);
    }
}
