package dev.bastion.guard;

import dev.bastion.chain.Exchange;
import dev.bastion.config.GuardPolicy.Action;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Guardrail decisions, recorded as decisions and never as content (G7, O1): every decision other than a
 * plain pass is an audit event {@code guard.decision} with the route, org, request id, action, entity
 * types and counts, and the injection score and signals; every decision is counted in
 * {@code bastion_guard_decisions_total{route,action}} and every finding in
 * {@code bastion_guard_findings_total{type,action}}.
 */
final class GuardDecisions {
    private final AuditLog audit;
    private final MeterRegistry registry;

    GuardDecisions(AuditLog audit, MeterRegistry registry) {
        this.audit = audit;
        this.registry = registry;
    }

    /**
     * @param verdict the classifier's, or null when none was called
     * @param action  the decision: the strongest of the detectors' and the classifier's
     */
    void record(Exchange ex, String routeId, Inspection ins, ClassifierVerdict verdict, Action action) {
        counter("bastion.guard.decisions", "Guardrail decisions by route and action", "route", routeId, "action", name(action)).increment();
        for (Inspection.Found f : ins.found()) {
            counter("bastion.guard.findings", "Guardrail findings by entity type and action", "type", f.finding().type(), "action", name(f.action())).increment();
        }
        if (verdict != null) {
            counter("bastion.guard.classifier.calls", "Classifier calls by route and result", "route", routeId,
                    "result", verdict.failed() ? verdict.failure().code() : "ok").increment();
        }
        if (action == Action.ALLOW) return;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", ex.requestId());
        fields.put("route", routeId);
        fields.put("org", ex.identity() == null ? null : ex.identity().orgId());
        fields.put("action", name(action));
        fields.put("entities", ins.counts());
        fields.put("injection_score", Math.round(ins.injection().score() * 1000) / 1000.0);
        fields.put("injection_signals", ins.injection().signals());
        if (verdict != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("score", Math.round(verdict.score() * 1000) / 1000.0);
            c.put("labels", verdict.labels());
            if (verdict.failed()) c.put("failure", verdict.failure().code());
            fields.put("classifier", c);
        }
        audit.event("guard.decision", fields);
    }

    /**
     * The answer's decision, once the exchange is over: {@code guard.answer} with the action, entity types
     * and counts, whether the answer was streamed and stopped, and how many bytes the client had received
     * by then — so the record says exactly what was delivered.
     */
    void recordAnswer(Exchange ex, String routeId, AnswerGuard answer) {
        AnswerRecord r = answer.record();
        if (r.isEmpty() && !answer.stopped()) return;
        Action action = answer.stopped() ? Action.BLOCK : r.action();
        counter("bastion.guard.answer.decisions", "Guardrail decisions on answers by route and action", "route", routeId, "action", name(action)).increment();
        for (var e : r.counts().entrySet()) {
            Counter.builder("bastion.guard.answer.findings").description("Guardrail findings in answers by entity type and action")
                    .tag("type", e.getKey()).tag("action", name(r.actions().get(e.getKey()))).register(registry).increment(e.getValue());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", ex.requestId());
        fields.put("route", routeId);
        fields.put("org", ex.identity() == null ? null : ex.identity().orgId());
        fields.put("action", name(action));
        fields.put("entities", r.counts());
        fields.put("streamed", answer.streamed());
        fields.put("stopped", answer.stopped());
        fields.put("status", ex.status());
        fields.put("bytes_sent", ex.bytesSent());
        if (r.late() > 0) fields.put("late_entities", r.late());
        if (r.wasRestored()) fields.put("pseudonyms_restored", true);
        if (answer.stopped() && ex.errorCode() != null) fields.put("reason", ex.errorCode());
        audit.event("guard.answer", fields);
    }

    private Counter counter(String name, String description, String k1, String v1, String k2, String v2) {
        return Counter.builder(name).description(description).tag(k1, v1).tag(k2, v2).register(registry);
    }

    static String name(Action a) {
        return a.name().toLowerCase(Locale.ROOT);
    }
}
