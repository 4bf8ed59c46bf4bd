package dev.bastion.storedresponses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;

/**
 * Tenant isolation for the Responses API's stored state (Z2): {@code previous_response_id} continues a response the
 * provider stored, and {@code conversation} a conversation it keeps — under the provider key, which is Bastion's and
 * every tenant's. The provider cannot tell the tenants apart, so one tenant holding another's response id (a log, a
 * shared link, a support ticket) would continue that conversation and could ask the model to repeat it. On a route
 * without {@code stored_responses: true} both are refused; the client sends the conversation in {@code input} instead
 * (what {@code store: false} clients do anyway). A route that serves one tenant, or whose upstream key is per org
 * (the provider then keeps each org's state apart), may allow them.
 */
public final class StoredResponsesControl implements Control {
    @Override
    public Stage stage() {
        return Stage.INSPECT_BODY;
    }

    @Override
    public String name() {
        return "stored_responses";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        // Not one JSON object (a repeated key included: a first-wins parser would read the copy this check did not see)
        // is refused here too, as the one control every such route has: a route with no guard and no budget must not
        // pass on what nobody read.
        JsonNode body = JsonBody.objectOf(ex);
        if (body == null) return JsonBody.notAnObject(ex).future();
        for (String field : new String[] {"previous_response_id", "conversation"}) {
            JsonNode v = body.get(field);
            if (v != null && !v.isNull()) {
                return new Verdict.Deny(400, "stored_state_refused", "This route does not continue state the provider stored ('" + field
                        + "'): send the conversation in 'input' instead.").future();
            }
        }
        return Verdict.ALLOWED;
    }
}
