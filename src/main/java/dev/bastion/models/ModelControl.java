package dev.bastion.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.llm.provider.ChatProvider;
import io.vertx.core.Future;

/**
 * Resolves the request's {@code model} in the catalogue on a route that routes by model (U1): an unknown
 * model is refused here with 400 {@code model_not_found} (OpenAI's error code for it), before the budget reserves anything; a known one picks the deployment that will answer, which
 * the forward step reads from the exchange. A request the deployment's wire format cannot express (an
 * OpenAI-only option sent to an Anthropic model) is refused here with 400 {@code unsupported_by_provider}
 * and the reason, never sent half-translated. The model allow-list of the guard policy (G5) still applies
 * after this, to the name the client sent.
 */
public final class ModelControl implements Control {
    private final ModelCatalogue catalogue;

    public ModelControl(ModelCatalogue catalogue) {
        this.catalogue = catalogue;
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
    public Future<Verdict> check(Exchange ex) {
        JsonNode body = ex.json() == null ? null : ex.json().tree();
        if (body == null || !body.isObject()) return new Verdict.Deny(400, "invalid_llm_request", "The request body must be a JSON object.").future();
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            return new Verdict.Deny(400, "invalid_llm_request", "'model' must be a non-empty string.").future();
        }
        ModelCatalogue.Deployment d = catalogue.pick(model.asText());
        if (d == null) {
            return new Verdict.Deny(400, "model_not_found", "The model does not exist or you do not have access to it; GET /v1/models lists the models you may use.").future();
        }
        // Refused here, in the one error shape, rather than failing at the forward step; a format that only
        // renames the model cannot refuse, so it is not translated twice.
        if (d.chat().translates()) {
            try {
                d.chat().request(((com.fasterxml.jackson.databind.node.ObjectNode) body).deepCopy(), d.model());
            } catch (ChatProvider.UntranslatableRequest e) {
                return new Verdict.Deny(400, "unsupported_by_provider", "The requested model cannot take this request: " + e.getMessage()).future();
            }
        }
        ex.attribute(ModelCatalogue.Deployment.class, d);
        ex.logField("deployment", d.upstreamName() + "/" + d.model());
        return Verdict.ALLOWED;
    }
}
