package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompt-injection detection as the guardrails run it (G3): the learned {@link InjectionModel} decides,
 * and the phrase signals of {@link InjectionScorer} explain — and still count on their own, since a
 * phrase they know (an override in tag characters, a base64 payload) is evidence the model may score
 * lower. The score is the higher of the two; the signals are the phrase signals that fired, plus
 * {@value InjectionSignals#LEARNED_MODEL} when the model alone is at or above its operating point (0.5).
 * With no model ({@code injection.model: phrases}) this is the phrase scorer alone.
 *
 * <p>Thread-safe; holds no text.
 */
public final class InjectionDetector {
    /** The model's calibrated operating point: at or above it, the model names itself as a signal. */
    public static final double MODEL_POINT = 0.5;

    private final InjectionScorer phrases = new InjectionScorer();
    private final InjectionModel model; // null: phrase signals only

    public InjectionDetector(InjectionModel model) {
        this.model = model;
    }

    /** The model's name, or {@code phrases} when there is none. */
    public String modelName() {
        return model == null ? "phrases" : model.name();
    }

    public InjectionVerdict score(String text) {
        InjectionVerdict signals = phrases.score(text);
        if (model == null || text == null || text.isEmpty()) return signals;
        double learned = model.score(text);
        if (learned < MODEL_POINT) return new InjectionVerdict(Math.max(learned, signals.score()), signals.signals(), learned);
        List<String> named = new ArrayList<>(signals.signals());
        named.add(InjectionSignals.LEARNED_MODEL);
        return new InjectionVerdict(Math.max(learned, signals.score()), named, learned);
    }
}
