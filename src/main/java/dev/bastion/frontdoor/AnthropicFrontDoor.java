package dev.bastion.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}) in front of any provider (U1): the request becomes
 * the OpenAI chat request every later control reads — the model step, the budget, the WAF, the guardrails —
 * and every deployment translates from; the answer goes back as Anthropic's message or SSE events
 * ({@link MessagesAnswerFilter}). It runs before the model step, so the failover mark holds the translated
 * body and a fallback re-runs the policy on it; after idempotency, so a replay is the Anthropic answer.
 * Bastion's own errors on the route are in Anthropic's shape ({@link AnthropicErrors}, set by the route).
 * <p>
 * {@code anthropic-version} and {@code anthropic-beta} are accepted whatever they say and reach no provider: the
 * door answers in the Messages format it documents (the {@code 2023-06-01} shape, which the SDKs sending later
 * versions read), a deployment states its own version, and a translated body has no betas to switch on.
 */
public final class AnthropicFrontDoor implements Control {
    private static final Future<Verdict> NOT_JSON = Future.succeededFuture(new Verdict.Deny(400, "invalid_llm_request",
            "The request body must be a JSON object (an Anthropic Messages API request)."));

    /** The filter that turns one normalised answer (whole or streamed) into Anthropic's; {@code requestId} goes in its errors. */
    public static ResponseFilter answerFilter(String requestId) {
        return new MessagesAnswerFilter(requestId);
    }

    @Override
    public Stage stage() {
        return Stage.LIMIT;
    }

    @Override
    public String name() {
        return "messages";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        JsonBody json = ex.json();
        JsonNode tree = json == null ? null : json.tree();
        if (!(tree instanceof ObjectNode request)) {
            return json != null && json.duplicateKey() ? Future.succeededFuture(new Verdict.Deny(400, "invalid_llm_request", JsonBody.DUPLICATE_KEY)) : NOT_JSON;
        }
        ObjectNode chat;
        try {
            chat = MessagesRequest.toChat(request);
        } catch (MessagesRequest.Refused r) {
            return Future.succeededFuture(new Verdict.Deny(400, r.code, r.getMessage()));
        }
        ex.body(Buffer.buffer(chat.toString()));
        ex.addResponseFilter(answerFilter(ex.requestId()));
        return Verdict.ALLOWED;
    }
}
