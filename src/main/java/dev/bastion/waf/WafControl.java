package dev.bastion.waf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.config.RouteWafConfig;
import dev.bastion.config.WafRulesConfig;
import dev.bastion.llm.PromptText;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request inspection for one route (W1, W2, W4, W6): the request's values through the rules, the anomaly
 * score against the threshold. In {@code block} mode a request at or over the threshold gets 403
 * {@code request_blocked} — which rules fired is recorded (access line, per-rule counters, a sampled
 * {@code waf.block} audit event),
 * never told to the client, who would tune an evasion on it; in {@code detect} mode it passes, recorded
 * the same way. Under the {@code llm} profile the text a model reads is not inspected (developers
 * paste SQL and shell into prompts; the guardrails look at that text), the rest of the request is.
 * Runs after authentication and the limits, so a caller who is not let in costs no inspection.
 */
public final class WafControl implements Control {
    private final Inspector inspector;
    private final WafRulesConfig config;
    private final RouteWafConfig route;
    private final LlmApi api;
    private final boolean graphql;
    private final String routeId;
    private final BlockedRequestLog blocked;
    private final WafMeters meters;

    public WafControl(Inspector inspector, WafRulesConfig config, String routeId, RouteWafConfig route, LlmApi api, boolean graphql,
                      BlockedRequestLog blocked, WafMeters meters) {
        this.graphql = graphql;
        this.inspector = inspector;
        this.config = config;
        this.routeId = routeId;
        this.route = route;
        this.api = api;
        this.blocked = blocked;
        this.meters = meters;
    }

    @Override
    public Stage stage() {
        return Stage.INSPECT_BODY;
    }

    @Override
    public String name() {
        return "waf";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        // The values go to the inspector as they are read: no list of them, and the body's bytes are copied
        // out only for a reading that needs them (a JSON body is read from the exchange's one parse).
        Buffer raw = ex.body();
        Extractor.Body body = raw == null ? Extractor.Body.NONE : new Extractor.Body(raw.length(), raw::getBytes);
        Inspector.Run run = inspector.start(route.exclusions());
        boolean complete = Extractor.extract(ex.method().name(), ex.path(), ex.rawQuery(), ex.headers()::forEach, ex.headers().get("Content-Type"), body,
                () -> ex.json() == null ? null : ex.json().tree(), this::notInspected, run);
        Inspector.Result result = run.result();
        if (result.matches().isEmpty() && complete) return Verdict.ALLOWED;
        // A request too large to inspect whole is not passed as if it had been: fail closed.
        boolean block = config.mode() == WafRulesConfig.Mode.BLOCK && (result.score() >= config.threshold() || !complete);
        List<Integer> ids = result.matches().stream().map(Inspector.Match::rule).toList();
        for (Inspector.Match m : result.matches()) meters.matched(m.rule(), block);
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("action", block ? "block" : config.mode() == WafRulesConfig.Mode.BLOCK ? "pass" : "detect");
        decision.put("score", result.score());
        decision.put("rules", ids);
        decision.put("targets", result.matches().stream().map(Inspector.Match::target).distinct().toList());
        if (!complete) decision.put("incomplete", true);
        ex.logField("waf", decision);
        if (!block) return Verdict.ALLOWED;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("request_id", ex.requestId());
        if (ex.traceId() != null) event.put("trace_id", ex.traceId());
        event.put("route", routeId);
        event.put("org", ex.identity() == null ? null : ex.identity().orgId());
        event.put("client_ip", ex.clientIp());
        event.putAll(decision);
        blocked.record(event);
        return new Verdict.Deny(403, "request_blocked", "The request was refused by request inspection; quote the request id if you think this is wrong.").future();
    }

    /**
     * The JSON pointers not inspected: under the llm profile the text a model reads; on a GraphQL route the
     * document ({@code /query}), which is code — {@code user(id: 1)} reads as a SQL call — and which the
     * GraphQL limits parse and bound; its {@code variables}, where callers' data goes, are inspected.
     */
    private Set<String> notInspected(JsonNode body) {
        if (graphql) return Set.of("/query");
        if (route.profile() != RouteWafConfig.Profile.LLM || api == null) return Set.of();
        Set<String> pointers = new HashSet<>();
        for (PromptText.Segment s : PromptText.of(api, body)) if (s.part() != PromptText.Part.FIELD) pointers.add(s.pointer());
        return pointers;
    }
}
