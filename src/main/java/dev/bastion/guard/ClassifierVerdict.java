package dev.bastion.guard;

import dev.bastion.config.ClassifierConfig;
import dev.bastion.config.GuardPolicy.Action;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link Classifier} said about one request's text. Like {@link Inspection}, it carries no text:
 * a score, stable label ids and, when the call failed, a reason code — never the input, the response
 * body or an exception message — so a decision record built from it cannot leak content.
 *
 * @param score   0 (harmless) to 1 (certainly harmful); 0 when the call failed
 * @param labels  the categories that fired, as stable lower-case ids ({@code [a-z0-9_]}), sorted; empty when failed
 * @param failed  the classifier gave no usable answer; the caller applies {@code on_failure}
 * @param failure why, when failed; null otherwise
 */
public record ClassifierVerdict(double score, List<String> labels, boolean failed, Failure failure) {
    /** Why a call gave no usable answer. {@link #code()} is the stable id for logs, decisions and metrics. */
    public enum Failure {
        /** No complete answer within {@code timeout} (connect, send and response together). */
        TIMEOUT,
        /** No connection (refused, DNS, TLS, reset before a response). */
        UNREACHABLE,
        /** An answer other than 2xx (redirects included: they are never followed). */
        BAD_STATUS,
        /** A 2xx whose body is not the format's protocol: not JSON, too large, a score missing or out of range. */
        BAD_RESPONSE,
        /** The text is longer than {@code max_input_chars}: it was not sent, since a cut text is not the text judged. */
        TOO_LONG;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ClassifierVerdict {
        if (Double.isNaN(score) || score < 0 || score > 1) throw new IllegalArgumentException("score: " + score + " (expected: 0 to 1)");
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (failed != (failure != null)) throw new IllegalArgumentException("failure: a reason exactly when failed");
    }

    public static ClassifierVerdict of(double score, List<String> labels) {
        return new ClassifierVerdict(score, labels, false, null);
    }

    public static ClassifierVerdict failed(Failure failure) {
        return new ClassifierVerdict(0, List.of(), true, failure);
    }

    /**
     * What this verdict asks for under {@code config}: block from {@code block_at}, flag from {@code flag_at}.
     * A failed call is {@code on_failure}: {@code deny} blocks; {@code allow} flags, so the failure is still
     * recorded as a decision while the request goes on. (A caller refusing on a failed call should say so with
     * its own reason code, not as if the text had been judged harmful.)
     */
    public Action action(ClassifierConfig config) {
        if (failed) return config.onFailure() == ClassifierConfig.OnFailure.DENY ? Action.BLOCK : Action.FLAG;
        if (score >= config.blockAt()) return Action.BLOCK;
        if (score >= config.flagAt()) return Action.FLAG;
        return Action.ALLOW;
    }
}
