package dev.bastion.detect.injection;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompt-injection detection as the guardrails run it (G3): the learned {@link InjectionModel} decides,
 * and the phrase signals of {@link InjectionScorer} explain — and still count on their own, since a
 * phrase they know (an override in tag characters, a base64 payload) is evidence the model may score
 * lower. The signals are the phrase signals that fired, plus {@value InjectionSignals#LEARNED_MODEL} when
 * the model is at or above its operating point (0.5). With no model ({@code injection.model: phrases})
 * this is the phrase scorer alone.
 *
 * <p>The score: the higher of the two, with the model's share capped at {@value #MODEL_CAP} — below the
 * default {@code block_at} (0.95) — unless the phrase signals agree (both at 0.5 or more), when the two
 * combine by noisy-OR. The rule the phrase signals already follow: one detector alone flags, two that
 * agree refuse. A model over n-grams learns wordings, and an ordinary instruction that happens to share
 * them ("Reply briefly.") can score high; it should be flagged for a look, not refused.
 *
 * <p>Thread-safe; holds no text.
 */
public final class InjectionDetector {
    /** The model's calibrated operating point: at or above it, the model names itself as a signal. */
    public static final double MODEL_POINT = 0.5;
    /** The most the model alone can score: it flags, but refusing needs the phrase signals to agree. */
    public static final double MODEL_CAP = 0.9;

    private final InjectionScorer phrases = new InjectionScorer();
    private final InjectionModel model; // null: phrase signals only

    public InjectionDetector(InjectionModel model) {
        this.model = model;
    }

    /** Whether scoring must run on a worker pool ({@link InjectionModel#needsWorker()}). */
    public boolean needsWorker() {
        return model != null && model.needsWorker();
    }

    /** The model's name, or {@code phrases} when there is none. */
    public String modelName() {
        return model == null ? "phrases" : model.name();
    }

    public InjectionVerdict score(String text) {
        if (text == null || text.isEmpty()) return InjectionVerdict.NONE;
        // One normalisation for every detector: the model reads it, and the phrase signals read it too when
        // it undid leetspeak or spacing, which their own folding does not.
        InjectionText view = InjectionText.of(text);
        // Unless leetspeak or spacing was undone, the normalised text of ASCII text is its lower case: not made again.
        InjectionVerdict signals = phrases.score(text, view.decoded(), view.unmasked() ? null : view.text());
        if (view.unmasked()) signals = stronger(signals, phrases.score(view.text(), List.of())); // its payloads were weighed above
        if (model == null) return signals;
        double learned = model.scoreParts(view);
        if (learned < MODEL_POINT) return new InjectionVerdict(Math.max(learned, signals.score()), signals.signals(), learned);
        List<String> named = new ArrayList<>(signals.signals());
        named.add(InjectionSignals.LEARNED_MODEL);
        double capped = Math.min(learned, MODEL_CAP);
        double score = signals.score() >= MODEL_POINT ? 1 - (1 - signals.score()) * (1 - capped) : Math.max(capped, signals.score());
        return new InjectionVerdict(score, named, learned);
    }

    /** The higher score, with the signals of both in their usual order. */
    private static InjectionVerdict stronger(InjectionVerdict a, InjectionVerdict b) {
        if (b.signals().isEmpty()) return a;
        List<String> named = new ArrayList<>();
        for (String id : InjectionSignals.ALL) if (a.signals().contains(id) || b.signals().contains(id)) named.add(id);
        return new InjectionVerdict(Math.max(a.score(), b.score()), named);
    }
}
