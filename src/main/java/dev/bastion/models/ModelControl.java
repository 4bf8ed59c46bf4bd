package dev.bastion.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.FailoverConfig;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.failover.FailoverPlan;
import dev.bastion.llm.provider.ChatProvider;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves the request's {@code model} in the catalogue on a route that routes by model (U1): an unknown
 * model is refused here with 400 {@code model_not_found} (OpenAI's error code for it), before the budget
 * reserves anything; a known one gets its {@link FailoverPlan} — the healthy deployments and fallbacks in
 * the order to try them — which the forward step follows. When every one of them is failing (breakers
 * open) the request is refused at once with 503 {@code model_unavailable}.
 * <p>
 * The policy re-enters at this step for each fallback (U3): the request then names the fallback's public
 * model, so the guard's model allow-list, the budget (at the fallback's prices) and the guardrails judge
 * what is really sent. A request the deployment's wire format cannot express (an OpenAI-only option sent
 * to an Anthropic model) is refused with 400 {@code unsupported_by_provider}, never sent half-translated.
 */
public final class ModelControl implements Control {
    private static final Verdict NOT_FOUND = new Verdict.Deny(400, "model_not_found",
            "The model does not exist or you do not have access to it; GET /v1/models lists the models you may use.");
    private static final Verdict NOT_IN_PLAN = new Verdict.Deny(403, "model_not_in_plan",
            "Your plan does not include this model; GET /v1/models lists the models you may use.");

    private final ModelCatalogue catalogue;
    private final LlmApi api;
    private final FailoverConfig failover;
    private final long openForSeconds;
    private final Function<Identity, Future<String>> tierOf;

    /**
     * @param api    the API the route serves: its requests go to the deployments' chat or embeddings APIs
     * @param tierOf the caller's plan ({@code limits.tiers}; null result: none), asked only when a model is limited to plans
     */
    public ModelControl(ModelCatalogue catalogue, LlmApi api, FailoverConfig failover, java.time.Duration openFor,
                        Function<Identity, Future<String>> tierOf) {
        this.catalogue = catalogue;
        this.api = api;
        this.failover = failover;
        this.openForSeconds = Math.max(1, openFor.toSeconds());
        this.tierOf = tierOf;
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public boolean reentryPoint() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        JsonNode body = JsonBody.objectOf(ex);
        if (body == null) return JsonBody.notAnObject(ex).future();
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            return new Verdict.Deny(400, "invalid_llm_request", "'model' must be a non-empty string.").future();
        }
        FailoverPlan plan = ex.attribute(FailoverPlan.class);
        if (plan != null) return Future.succeededFuture(admit(ex, (ObjectNode) body, plan.current())); // re-entered for the next deployment
        String name = model.asText();
        if (catalogue.deployments(name).isEmpty()) return Future.succeededFuture(NOT_FOUND);
        if (!catalogue.limitedToPlans()) return Future.succeededFuture(plan(ex, (ObjectNode) body, name, null, false));
        return tierOf.apply(ex.identity()).map(tier -> plan(ex, (ObjectNode) body, name, tier, true));
    }

    /**
     * The request's failover plan: the model's healthy deployments and fallbacks — only those the caller's plan
     * includes, so that no fallback takes it to a model it may not use.
     */
    private Verdict plan(Exchange ex, ObjectNode body, String name, String tier, boolean checkPlan) {
        if (checkPlan && !catalogue.inPlan(name, tier)) return NOT_IN_PLAN;
        List<dev.bastion.failover.Deployment> candidates = catalogue.candidates(api, name, failover.fallbacks());
        if (checkPlan) candidates = candidates.stream().filter(d -> catalogue.inPlan(d.publicName(), tier)).toList();
        if (candidates.isEmpty()) {
            return new Verdict.Deny(503, "model_unavailable", "Every deployment of this model is failing at the moment; retry later.",
                    Map.of("Retry-After", Long.toString(openForSeconds)));
        }
        FailoverPlan plan = new FailoverPlan(candidates, failover);
        ex.attribute(FailoverPlan.class, plan);
        return admit(ex, body, plan.current());
    }

    private Verdict admit(Exchange ex, ObjectNode body, dev.bastion.failover.Deployment d) {
        if (!d.publicName().equals(body.path("model").asText())) { // a fallback model (or the first healthy one is one): the policy judges what is sent
            body.put("model", d.publicName());
            ex.json().changed();
        }
        // Refused here, in the one error shape, rather than failing at the forward step; a format that only
        // renames the model cannot refuse, so it is not translated twice.
        if (d.embeddings() != null || d.chat().translates()) {
            try {
                if (d.embeddings() != null) d.embeddings().call(body.deepCopy(), d.model()); // a provider without embeddings refuses here
                else d.chat().request(body.deepCopy(), d.model());
            } catch (ChatProvider.UntranslatableRequest e) {
                return new Verdict.Deny(400, "unsupported_by_provider", "The requested model cannot take this request: " + e.getMessage());
            }
        }
        ex.attribute(dev.bastion.failover.Deployment.class, d);
        ex.logField("deployment", d.id());
        return Verdict.ALLOW;
    }
}
