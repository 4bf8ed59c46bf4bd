package dev.bastion.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * {@code GET /v1/models} beside a route that routes by model: the catalogue's public names in OpenAI's
 * list format ({@code client.models.list()} in the SDKs), narrowed to what the caller may use — the
 * model allow-list of the guard policy that applies to the caller's org (G5), and the models of the caller's
 * plan when models are limited to plans ({@code tiers}). Deployments, upstreams and
 * provider model names are never shown: they are the operator's business.
 */
public final class ModelListEndpoint implements LocalEndpoint {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ModelCatalogue catalogue;
    private final Function<Identity, List<String>> allowed; // null result: any model
    private final Function<Identity, Future<String>> tierOf;
    private final long created = 1_700_000_000L; // a fixed date: the list must not change from call to call

    /**
     * @param allowed the caller's model allow-list, or null when any model is allowed
     * @param tierOf  the caller's plan, asked only when some model is limited to plans
     */
    public ModelListEndpoint(ModelCatalogue catalogue, Function<Identity, List<String>> allowed, Function<Identity, Future<String>> tierOf) {
        this.catalogue = catalogue;
        this.allowed = allowed;
        this.tierOf = tierOf;
    }

    @Override
    public Future<Verdict> handle(Exchange ex) {
        List<String> mayUse = allowed.apply(ex.identity());
        if (!catalogue.limitedToPlans()) return Future.succeededFuture(list(mayUse, null, false));
        return tierOf.apply(ex.identity()).map(tier -> list(mayUse, tier, true));
    }

    private Verdict list(List<String> mayUse, String tier, boolean checkPlan) {
        ObjectNode list = MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String name : catalogue.names()) {
            if (mayUse != null && !mayUse.contains(name)) continue;
            if (checkPlan && !catalogue.inPlan(name, tier)) continue;
            data.addObject().put("id", name).put("object", "model").put("created", created).put("owned_by", "bastion");
        }
        return LocalEndpoint.answer(200, JSON_NO_STORE, list.toString());
    }
}
