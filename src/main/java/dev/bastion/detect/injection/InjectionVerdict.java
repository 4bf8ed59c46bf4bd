package dev.bastion.detect.injection;

import java.util.List;

/**
 * How much a text looks like a prompt-injection attempt.
 *
 * @param score   in [0, 1]; a clear attack scores at least 0.8, benign text stays below 0.5
 * @param signals the {@link InjectionSignals} ids that fired, in {@link InjectionSignals#ALL} order
 * @param model   the learned model's own score, or -1 when no model scored
 */
public record InjectionVerdict(double score, List<String> signals, double model) {
    public static final InjectionVerdict NONE = new InjectionVerdict(0, List.of());

    /** A verdict of the phrase signals alone. */
    public InjectionVerdict(double score, List<String> signals) {
        this(score, signals, -1);
    }

    public InjectionVerdict {
        if (!(score >= 0 && score <= 1)) throw new IllegalArgumentException("score outside [0,1]: " + score);
        signals = List.copyOf(signals);
    }
}
