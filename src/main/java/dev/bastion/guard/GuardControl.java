package dev.bastion.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.ClassifierConfig;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.detect.Finding;
import dev.bastion.llm.LlmRequest;
import dev.bastion.llm.PromptText;
import dev.bastion.llm.TokenCounter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The request side of the guardrails (G1–G3, G7): reads the text an OpenAI-compatible request sends to
 * the model, runs the caller's policy over it, and then refuses the request (400 with a stable reason,
 * naming entity types but never their content), rewrites the text before it is forwarded (redaction),
 * or lets it pass — recording every decision that is not a plain pass as types, counts and a score.
 */
final class GuardControl implements Control {
    private final String routeId;
    private final LlmApi api;
    private final Function<Identity, Guard> policyFor;
    private final GuardDecisions decisions;
    private final TokenCounter counter;

    GuardControl(String routeId, LlmApi api, Function<Identity, Guard> policyFor, GuardDecisions decisions, TokenCounter counter) {
        this.counter = counter;
        this.routeId = routeId;
        this.api = api;
        this.policyFor = policyFor;
        this.decisions = decisions;
    }

    @Override
    public Stage stage() {
        return Stage.GUARD_IN;
    }

    @Override
    public String name() {
        return "guard";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        // The exchange's one parse of the body, shared with the budget and request inspection; redaction edits it in place.
        ObjectNode body = JsonBody.objectOf(ex);
        if (body == null) return JsonBody.notAnObject(ex).future();
        Guard guard = policyFor.apply(ex.identity());
        List<PromptText.Segment> segments = PromptText.of(api, body);
        LlmRequest counted = ex.attribute(LlmRequest.class); // the budget's, when it counted the prompt already
        Verdict.Deny outOfBounds = RequestCaps.check(guard.policy(), api, body, segments, counter,
                counted == null ? null : counted.promptTokens());
        if (outOfBounds != null) return outOfBounds.future();
        Context context = Vertx.currentContext();
        if (guard.inspectsOnWorker() && context != null) {
            // Milliseconds of model time: on a worker, so the event loop keeps serving other requests meanwhile.
            return context.executeBlocking(() -> guard.inspect(segments), false)
                    .compose(ins -> decide(ex, guard, body, segments, ins));
        }
        return decide(ex, guard, body, segments, guard.inspect(segments));
    }

    /** Refuses, rewrites or passes the request on what the inspection found (back on the event loop). */
    private Future<Verdict> decide(Exchange ex, Guard guard, ObjectNode body, List<PromptText.Segment> segments, Inspection ins) {
        if (ins.action() == Action.BLOCK) {
            decisions.record(ex, ins, null, Action.BLOCK);
            return refuse(ins).future();
        }
        boolean changed = RequestCaps.capCompletion(guard.policy(), api, body);
        Pseudonyms names = new Pseudonyms(); // one table per request: the same value is the same placeholder everywhere
        StringBuilder modelText = guard.classifier() == null ? null : new StringBuilder();
        for (PromptText.Segment seg : segments) {
            List<Inspection.Found> here = ins.in(seg);
            String text = seg.text();
            if (rewritesAny(here)) {
                text = Guard.rewrite(seg.text(), here, names);
                PromptText.replace(body, seg.pointer(), text);
                changed = true;
            }
            if (modelText != null) modelText.append(modelText.isEmpty() ? "" : "\n").append(text);
        }
        if (changed) ex.json().changed(); // serialised once, by the forward step
        if (modelText == null || modelText.isEmpty()) {
            decisions.record(ex, ins, null, ins.action());
            guardAnswer(ex, guard, names);
            return Verdict.ALLOWED;
        }
        // The classifier sees the text as the model will, redactions applied: a third party never gets what the policy removed.
        ClassifierConfig c = guard.policy().classifier();
        Future<ClassifierVerdict> judged = modelText.length() > c.maxInputChars()
                ? Future.succeededFuture(ClassifierVerdict.failed(ClassifierVerdict.Failure.TOO_LONG))
                : guard.classifier().classify(modelText.toString(), ex.requestId());
        return judged.map(verdict -> {
            Action said = verdict.action(c);
            decisions.record(ex, ins, verdict, said.strength() > ins.action().strength() ? said : ins.action());
            if (said == Action.BLOCK) return refuse(verdict, c);
            guardAnswer(ex, guard, names);
            return Verdict.ALLOW;
        });
    }

    private static boolean rewritesAny(List<Inspection.Found> found) {
        for (Inspection.Found f : found) if (f.action() == Action.REDACT || f.action() == Action.PSEUDONYMIZE) return true;
        return false;
    }

    /** Why the classifier's verdict refuses a request: judged harmful, or not judged at all (on_failure: deny). */
    static Verdict.Deny refuse(ClassifierVerdict verdict, ClassifierConfig c) {
        if (!verdict.failed()) {
            return new Verdict.Deny(400, "classifier_blocked", "The content classifier refused the request"
                    + (verdict.labels().isEmpty() ? "" : " (" + String.join(", ", verdict.labels()) + ")") + "; it was not sent to the model.");
        }
        if (verdict.failure() == ClassifierVerdict.Failure.TOO_LONG) {
            return new Verdict.Deny(400, "input_too_long", "The input is longer than the " + c.maxInputChars()
                    + " characters the content classifier checks, and this route refuses what it cannot check.");
        }
        return new Verdict.Deny(503, "classifier_unavailable", "The content classifier could not be reached (" + verdict.failure().code()
                + ") and this route refuses requests it cannot check; retry later.");
    }

    /**
     * Inspects the answer on its way back (and puts this request's pseudonyms back into it). The filter reads
     * the body, so the forward step asks the upstream for an uncompressed answer; a compressed one cannot be
     * inspected and is refused.
     */
    private void guardAnswer(Exchange ex, Guard guard, Pseudonyms names) {
        if (api == LlmApi.EMBEDDINGS || (!guard.guardsOutput() && names.isEmpty())) return; // vectors carry no text
        AnswerGuard answer = new AnswerGuard(ex, api, guard, names);
        ex.addResponseFilter(answer);
        ex.onFinish(() -> decisions.recordAnswer(ex, answer));
    }

    /** The reason a blocked request gets: secrets first (the most urgent to fix), then PII, then injection. */
    static Verdict.Deny refuse(Inspection ins) {
        java.util.Set<String> secretTypes = new java.util.TreeSet<>(), piiTypes = new java.util.TreeSet<>();
        for (Inspection.Found f : ins.found()) {
            if (f.action() != Action.BLOCK) continue;
            (f.finding().category() == Finding.Category.SECRET ? secretTypes : piiTypes).add(f.finding().type());
        }
        if (!secretTypes.isEmpty()) {
            return new Verdict.Deny(400, "secret_detected", "The request contains a credential (" + String.join(", ", secretTypes)
                    + "); it was not sent to the model. Remove it and retry.");
        }
        if (!piiTypes.isEmpty()) {
            return new Verdict.Deny(400, "pii_detected", "The request contains personal data this route does not accept ("
                    + String.join(", ", piiTypes) + "); it was not sent to the model.");
        }
        return new Verdict.Deny(400, "prompt_injection_detected", "The request looks like a prompt-injection attempt ("
                + String.join(", ", ins.injection().signals()) + "); it was not sent to the model.", Map.of());
    }
}
