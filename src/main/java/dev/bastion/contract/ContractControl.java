package dev.bastion.contract;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds a request to its route's contract (E4, G7): the JSON body and the query (and, for an OpenAPI document's
 * operation, path) parameters against their schemas, and the body against the limits that apply where the schema is
 * silent. With a whole OpenAPI document the request's method and path first select its operation; a request that
 * matches none is refused like an unknown route (404, or 405 with {@code Allow}), or forwarded when the route allows
 * undocumented requests. A request that breaks it is
 * refused with 400 {@code request_invalid}, its {@code error.violations} giving each violation's JSON pointer and
 * keyword — never the value, which may be the very secret or payload the contract exists to keep out. It never ends
 * the chain otherwise; the decision ({@code contract: {result, operation, keywords | sanitized}}: the operation's id, the
 * keywords broken, or the pointers of the HTML fields it cleaned) is on the access line and counted in
 * {@code bastion_contract_requests_total{route,result}} and {@code bastion_contract_sanitized_total{route}}.
 */
public final class ContractControl implements Control {
    static final String REASON = "request_invalid";
    private static final String MESSAGE = "The request does not satisfy this route's contract; see error.violations.";
    // The router's own refusals (ChainRunner): an undocumented path looks like one no route covers.

    private final OperationContract single;
    private final DocumentContract document;
    private final Counter valid;
    private final Counter invalid;
    private final Counter undocumented;
    private final ResponseCheck.Meters response;
    private final HtmlFields html;
    private final Counter sanitised;

    /**
     * @param single           the route's one contract, or null with {@code document}
     * @param document         the whole document's, or null with {@code single}
     * @param responseMaxBytes the largest answer checked against its schema, or null when the route checks no answers
     * @param html             the body fields to sanitise as HTML, or null
     */
    ContractControl(OperationContract single, DocumentContract document, Long responseMaxBytes, HtmlFields html, String routeId, MeterRegistry registry) {
        this.single = single;
        this.document = document;
        this.html = html;
        this.sanitised = html == null ? null : Counter.builder("bastion.contract.sanitized")
                .description("Requests whose named HTML fields were cleaned before forwarding").tag("route", routeId).register(registry);
        this.valid = counter(registry, routeId, "valid");
        this.invalid = counter(registry, routeId, "invalid");
        this.undocumented = document == null ? null : counter(registry, routeId, "undocumented");
        this.response = responseMaxBytes == null ? null : new ResponseCheck.Meters(responseMaxBytes, routeId,
                Counter.builder("bastion.contract.response.checked").description("Answers checked against a route's response schema")
                        .tag("route", routeId).register(registry),
                Counter.builder("bastion.contract.response.mismatch").description("Answers that did not match a route's response schema (detect mode)")
                        .tag("route", routeId).register(registry),
                Counter.builder("bastion.contract.response.unchecked").description("Answers too large to check against a route's response schema")
                        .tag("route", routeId).register(registry));
    }

    private static Counter counter(MeterRegistry registry, String route, String result) {
        return Counter.builder("bastion.contract.requests").description("Requests held to a route contract, by result")
                .tag("route", route).tag("result", result).register(registry);
    }

    @Override
    public Stage stage() {
        // After authentication and the limits: an anonymous flood never makes Bastion parse and validate bodies.
        return Stage.INSPECT_BODY;
    }

    @Override
    public String name() {
        return "contract";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public io.vertx.core.Future<Verdict> check(Exchange ex) {
        OperationContract op = single;
        Map<String, String> pathParams = Map.of();
        if (document != null) {
            switch (document.find(ex.method().name(), ex.path())) {
                case OperationTable.Found f -> {
                    op = f.operation();
                    pathParams = f.params();
                }
                case OperationTable.NoPath n -> {
                    return undocumented(ex, Verdict.Deny.NO_ROUTE);
                }
                case OperationTable.NoMethod m -> {
                    return undocumented(ex, new Verdict.Deny(405, "method_not_allowed", "This path does not accept this method.",
                            Map.of("Allow", String.join(", ", m.allowed()))));
                }
            }
        }
        return hold(ex, op.request(), op.operationId(), pathParams, op.responses());
    }

    /** A request no operation of the document describes: refused as the router would, or held to the limits only. */
    private io.vertx.core.Future<Verdict> undocumented(Exchange ex, Verdict.Deny refusal) {
        undocumented.increment();
        if (!document.allow()) {
            ex.logField("contract", Map.of("result", "undocumented"));
            return refusal.future();
        }
        RequestContract.Result result = document.undocumented().check(ex.method().name(), ex.headers().get("Content-Type"),
                ex.body() == null ? null : ex.body().getBytes(), null);
        if (result.valid()) {
            ex.logField("contract", Map.of("result", "undocumented"));
            return Verdict.ALLOWED;
        }
        return refuse(ex, null, result);
    }

    private io.vertx.core.Future<Verdict> hold(Exchange ex, RequestContract contract, String operationId, Map<String, String> pathParams,
                                               ResponseSchemas responses) {
        RequestContract.Result result = contract.check(ex.method().name(), ex.headers().get("Content-Type"),
                ex.body() == null ? null : ex.body().getBytes(), ex.rawQuery(), pathParams);
        if (!result.valid()) return refuse(ex, operationId, result);
        valid.increment();
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("result", "valid");
        if (operationId != null) decision.put("operation", operationId);
        if (html != null && result.body() != null && ex.json() != null && ex.json().tree() != null) {
            // Cleaned after validation, in the exchange's shared tree: the upstream (and every later control) gets the cleaned body.
            List<String> changed = html.sanitise(ex.json().tree());
            if (!changed.isEmpty()) {
                ex.json().changed();
                sanitised.increment();
                decision.put("sanitized", changed); // where, never what
            }
        }
        ex.logField("contract", decision);
        // Innermost: the answer as the upstream sent it, before any other filter changed it.
        if (response != null && responses != null) ex.addResponseMeter(new ResponseCheck(response, responses, ex.requestId(), operationId));
        return Verdict.ALLOWED;
    }

    private io.vertx.core.Future<Verdict> refuse(Exchange ex, String operationId, RequestContract.Result result) {
        invalid.increment();
        // Keywords only: the access line says which rules were broken, never with what.
        List<String> keywords = result.violations().stream().map(Verdict.Violation::keyword).distinct().toList();
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("result", "invalid");
        if (operationId != null) decision.put("operation", operationId);
        decision.put("keywords", keywords);
        ex.logField("contract", decision);
        return new Verdict.Deny(400, REASON, MESSAGE, null, false, result.violations()).future();
    }
}
