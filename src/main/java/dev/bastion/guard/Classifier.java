package dev.bastion.guard;

import io.vertx.core.Future;

/**
 * A model-based classifier the guardrails ask about the model-bound text of a request (G3, G6): a
 * prompt-injection detector, a moderation endpoint, the operator's own model. Implementations never
 * fail the future: a classifier that is down, slow or answers garbage resolves with a
 * {@link ClassifierVerdict#failed() failed} verdict, so the caller always applies the configured
 * {@code on_failure} and never mistakes a fault for a pass.
 */
public interface Classifier {
    /**
     * @param text      the model-bound text of one request (an implementation may truncate it before sending)
     * @param requestId the request's id, for correlation on the classifier's side and in Bastion's log
     * @return the verdict; always succeeds
     */
    Future<ClassifierVerdict> classify(String text, String requestId);
}
