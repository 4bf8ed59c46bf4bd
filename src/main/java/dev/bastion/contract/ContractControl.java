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
 * Holds a request to its route's contract (E4, G7): the JSON body and the query parameters against their
 * schemas, and the body against the limits that apply where the schema is silent. A request that breaks it is
 * refused with 400 {@code request_invalid}, its {@code error.violations} giving each violation's JSON pointer and
 * keyword — never the value, which may be the very secret or payload the contract exists to keep out. It never ends
 * the chain otherwise; the decision ({@code contract: {result, keywords | sanitized}}: the keywords broken, or the
 * pointers of the HTML fields it cleaned) is on the access line and counted in
 * {@code bastion_contract_requests_total{route,result}} and {@code bastion_contract_sanitized_total{route}}.
 */
public final class ContractControl implements Control {
    static final String REASON = "request_invalid";
    private static final String MESSAGE = "The request does not satisfy this route's contract; see error.violations.";

    private final RequestContract contract;
    private final Counter valid;
    private final Counter invalid;
    private final ResponseCheck.Meters response;
    private final HtmlFields html;
    private final Counter sanitised;

    /**
     * @param response the route's answer schema (detect mode), or null
     * @param html     the body fields to sanitise as HTML, or null
     */
    ContractControl(RequestContract contract, Contracts.ResponseSchema response, HtmlFields html, String routeId, MeterRegistry registry) {
        this.contract = contract;
        this.html = html;
        this.sanitised = html == null ? null : Counter.builder("bastion.contract.sanitized")
                .description("Requests whose named HTML fields were cleaned before forwarding").tag("route", routeId).register(registry);
        this.valid = counter(registry, routeId, "valid");
        this.invalid = counter(registry, routeId, "invalid");
        this.response = response == null ? null : new ResponseCheck.Meters(response, routeId,
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
        RequestContract.Result result = contract.check(ex.method().name(), ex.headers().get("Content-Type"),
                ex.body() == null ? null : ex.body().getBytes(), ex.rawQuery());
        if (result.valid()) {
            valid.increment();
            Map<String, Object> decision = new LinkedHashMap<>();
            decision.put("result", "valid");
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
            if (response != null) ex.addResponseMeter(new ResponseCheck(response, ex.requestId()));
            return Verdict.ALLOWED;
        }
        invalid.increment();
        // Keywords only: the access line says which rules were broken, never with what.
        List<String> keywords = result.violations().stream().map(Verdict.Violation::keyword).distinct().toList();
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("result", "invalid");
        decision.put("keywords", keywords);
        ex.logField("contract", decision);
        return new Verdict.Deny(400, REASON, MESSAGE, null, false, result.violations()).future();
    }
}
