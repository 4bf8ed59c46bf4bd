package dev.bastion.detect.injection;

/**
 * A learned prompt-injection detector (G3): the probability that a text tries to override a model's
 * instructions or extract its prompt or secrets. Implementations are immutable, thread-safe, never
 * log or keep the text, and are built once when the config is loaded.
 */
public interface InjectionModel {
    /** The stable name a policy selects it by ({@code injection.model}). */
    String name();

    /** The probability in [0, 1]; empty text scores 0. */
    double score(String text);
}
