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

    /** The score of text already {@linkplain InjectionText normalised}: the highest of its parts'. */
    default double scoreParts(InjectionText text) {
        double best = 0;
        for (String part : text.parts()) best = Math.max(best, score(part));
        return best;
    }

    /**
     * Whether a score costs so much (milliseconds) that it must run on a worker pool, never an event loop.
     * The request's inspection then moves off the loop; answers, inspected as they stream, are scored by
     * the default model instead.
     */
    default boolean needsWorker() {
        return false;
    }

    /**
     * A model a policy can name that lives outside this package (found with {@link java.util.ServiceLoader}),
     * so heavy models and their libraries stay out of the core detector.
     */
    interface Provider {
        String name();

        /** Loads the model; called once per process, on the first policy that names it. */
        InjectionModel load();
    }
}
