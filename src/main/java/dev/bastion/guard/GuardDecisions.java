package dev.bastion.guard;

import dev.bastion.chain.Exchange;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guardrail decisions, recorded as decisions and never as content (G7, O1): every decision other than a
 * plain pass goes into the request's access line ({@code guard}, {@code guard_answer}: action, entity
 * types and counts, injection score and signals, the classifier's verdict; for answers whether they were
 * streamed or stopped and the bytes sent); a refused request or a stopped answer is also an audit event
 * ({@code guard.decision}, {@code guard.answer}) with the route, org and request id. One line per request
 * keeps recording cheap: an audit event costs about as much as the detectors. Every decision and
 * finding is counted ({@code bastion_guard_decisions_total{route,action}}, {@code bastion_guard_findings_total{type,action}}, …).
 */
final class GuardDecisions {
    private final AuditLog audit;
    private final Meters meters;
    private final String routeId;
    private final EnumMap<Action, Counter> decisions = new EnumMap<>(Action.class);
    private final EnumMap<Action, Counter> answerDecisions = new EnumMap<>(Action.class);
    private final Counter classifierOk;
    private final EnumMap<ClassifierVerdict.Failure, Counter> classifierFailures = new EnumMap<>(ClassifierVerdict.Failure.class);

    /**
     * The counters one route's decisions go to, made once, when its control is built.
     *
     * @param classified whether a classifier may be called on this route (its counters exist only then)
     */
    GuardDecisions(AuditLog audit, Meters meters, String routeId, boolean classified) {
        this.audit = audit;
        this.meters = meters;
        this.routeId = routeId;
        for (Action a : Action.values()) {
            decisions.put(a, meters.counter("bastion.guard.decisions", "Guardrail decisions by route and action", "route", routeId, "action", name(a)));
            answerDecisions.put(a, meters.counter("bastion.guard.answer.decisions", "Guardrail decisions on answers by route and action", "route", routeId,
                    "action", name(a)));
        }
        classifierOk = !classified ? null
                : meters.counter("bastion.guard.classifier.calls", "Classifier calls by route and result", "route", routeId, "result", "ok");
        for (ClassifierVerdict.Failure f : classified ? ClassifierVerdict.Failure.values() : new ClassifierVerdict.Failure[0]) {
            classifierFailures.put(f, meters.counter("bastion.guard.classifier.calls", "Classifier calls by route and result", "route", routeId,
                    "result", f.code()));
        }
    }

    /**
     * The finding counters, by entity type and action, shared by every route: made on a type's first finding
     * (types come from the configured detectors and patterns, a bounded set), then only incremented.
     */
    static final class Meters {
        private final MeterRegistry registry;
        private final ConcurrentHashMap<String, Counter[]> findings = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, Counter[]> answerFindings = new ConcurrentHashMap<>();

        Meters(MeterRegistry registry) {
            this.registry = registry;
        }

        Counter counter(String name, String description, String k1, String v1, String k2, String v2) {
            return Counter.builder(name).description(description).tag(k1, v1).tag(k2, v2).register(registry);
        }

        Counter finding(String type, Action a) {
            return findings.computeIfAbsent(type, t -> byAction("bastion.guard.findings", "Guardrail findings by entity type and action", t))[a.ordinal()];
        }

        Counter answerFinding(String type, Action a) {
            return answerFindings.computeIfAbsent(type, t -> byAction("bastion.guard.answer.findings", "Guardrail findings in answers by entity type and action", t))[a.ordinal()];
        }

        private Counter[] byAction(String name, String description, String type) {
            Counter[] out = new Counter[Action.values().length];
            for (Action a : Action.values()) out[a.ordinal()] = counter(name, description, "type", type, "action", name(a));
            return out;
        }
    }

    /**
     * @param verdict the classifier's, or null when none was called
     * @param action  the decision: the strongest of the detectors' and the classifier's
     */
    void record(Exchange ex, Inspection ins, ClassifierVerdict verdict, Action action) {
        decisions.get(action).increment();
        for (Inspection.Found f : ins.found()) meters.finding(f.finding().type(), f.action()).increment();
        if (verdict != null) (verdict.failed() ? classifierFailures.get(verdict.failure()) : classifierOk).increment();
        if (action == Action.ALLOW) return;
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("action", name(action));
        decision.put("entities", ins.counts());
        decision.put("injection_score", Math.round(ins.injection().score() * 1000) / 1000.0);
        decision.put("injection_signals", ins.injection().signals());
        decision.put("injection_part", ins.injectionPart().id());
        if (ins.injectionAt() != null) decision.put("injection_at", ins.injectionAt());
        if (verdict != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("score", Math.round(verdict.score() * 1000) / 1000.0);
            c.put("labels", verdict.labels());
            if (verdict.failed()) c.put("failure", verdict.failure().code());
            decision.put("classifier", c);
        }
        ex.logField("guard", decision);
        if (action == Action.BLOCK) audit.event("guard.decision", event(ex, routeId, decision));
    }

    /** A refusal is a security event as well: the audit stream gets it with the request's ids. */
    private static Map<String, Object> event(Exchange ex, String routeId, Map<String, Object> decision) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", ex.requestId());
        if (ex.traceId() != null) fields.put("trace_id", ex.traceId());
        fields.put("route", routeId);
        fields.put("org", ex.identity() == null ? null : ex.identity().orgId());
        fields.putAll(decision);
        return fields;
    }

    /**
     * The answer's decision, once the exchange is over: {@code guard.answer} with the action, entity types
     * and counts, whether the answer was streamed and stopped, and how many bytes the client had received
     * by then — so the record says exactly what was delivered.
     */
    void recordAnswer(Exchange ex, AnswerGuard answer) {
        AnswerRecord r = answer.record();
        if (r.isEmpty() && !answer.stopped()) return;
        Action action = answer.stopped() ? Action.BLOCK : r.action();
        answerDecisions.get(action).increment();
        for (var e : r.counts().entrySet()) meters.answerFinding(e.getKey(), r.actions().get(e.getKey())).increment(e.getValue());
        if (r.injection() != null) meters.answerFinding("PROMPT_INJECTION", r.injectionAction()).increment();
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("action", name(action));
        decision.put("entities", r.counts());
        decision.put("streamed", answer.streamed());
        decision.put("stopped", answer.stopped());
        decision.put("status", ex.status());
        decision.put("bytes_sent", ex.bytesSent());
        if (r.late() > 0) decision.put("late_entities", r.late());
        if (r.injection() != null) {
            decision.put("injection_score", Math.round(r.injection().score() * 1000) / 1000.0);
            decision.put("injection_signals", r.injection().signals());
            decision.put("injection_action", name(r.injectionAction()));
        }
        if (r.wasRestored()) decision.put("pseudonyms_restored", true);
        if (answer.stopped() && ex.errorCode() != null) decision.put("reason", ex.errorCode());
        ex.logField("guard_answer", decision);
        if (answer.stopped()) audit.event("guard.answer", event(ex, routeId, decision));
    }

    static String name(Action a) {
        return a.name().toLowerCase(Locale.ROOT);
    }
}
