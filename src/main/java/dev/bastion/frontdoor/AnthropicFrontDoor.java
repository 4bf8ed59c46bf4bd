package dev.bastion.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.JsonBody;
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
 * {@code anthropic-version} is accepted when absent or {@code 2023-06-01} (the only version there is of the
 * format this door speaks), refused otherwise; neither it nor {@code anthropic-beta} reaches a provider (the
 * deployment states its own version; a translated body has no betas).
 */
public final class AnthropicFrontDoor implements Control {
    public static final String VERSION = "2023-06-01";
    private static final Future<Verdict> NOT_JSON = Future.succeededFuture(new Verdict.Deny(400, "invalid_llm_request",
            "The request body must be a JSON object (an Anthropic Messages API request)."));
    private static final Future<Verdict> BAD_VERSION = Future.succeededFuture(new Verdict.Deny(400, "invalid_llm_request",
            "anthropic-version: only " + VERSION + " is supported."));

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
        String version = ex.headers().get("anthropic-version");
        if (version != null && !VERSION.equals(version.trim())) return BAD_VERSION;
        JsonBody json = ex.json();
        JsonNode tree = json == null ? null : json.tree();
        if (!(tree instanceof ObjectNode request)) return NOT_JSON;
        ObjectNode chat;
        try {
            chat = MessagesRequest.toChat(request);
        } catch (MessagesRequest.Refused r) {
            return Future.succeededFuture(new Verdict.Deny(400, r.code, r.getMessage()));
        }
        ex.body(Buffer.buffer(chat.toString()));
        ex.addResponseFilter(new MessagesAnswerFilter(ex.requestId()));
        return Verdict.ALLOWED;
    }
}
