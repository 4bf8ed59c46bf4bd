package dev.bastion.enduser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.JsonBody;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig.LlmApi;
import io.vertx.core.Future;

/**
 * Who the provider thinks the end user is (Z2, Z4). Every tenant reaches the provider under Bastion's one key, so the
 * end-user field of the request is all the provider has to tell their users apart — and it is the client's to write:
 * one tenant could put another tenant's user id there (the provider's abuse checks, which throttle or ban by it, then
 * land on that user), or the end user's e-mail address (which the provider asks never to be sent). Here the
 * provider gets an identifier derived from the caller's org and the user ({@link EndUserIds}): the client's own value
 * when it sent one, else the authenticated subject (an API key, a token's subject), else — on a public route — the
 * client's address. The client's value is never sent. Chat and Responses requests carry it as
 * {@code safety_identifier} (their {@code user} removed), completions and embeddings as {@code user}; a client's
 * {@code prompt_cache_key} is kept apart per org the same way. A translated request carries it in the provider's own
 * field (Anthropic's {@code metadata.user_id}). The access line records the identifier as {@code end_user_id}, which
 * is how an operator finds the tenant behind a provider's report.
 */
public final class EndUserControl implements Control {
    private final EndUserIds ids;
    private final LlmApi api;

    /** @param api the API the controls read (a front door's, translated) */
    public EndUserControl(EndUserIds ids, LlmApi api) {
        this.ids = ids;
        this.api = api;
    }

    @Override
    public Stage stage() {
        return Stage.INSPECT_BODY;
    }

    @Override
    public String name() {
        return "end_user";
    }

    @Override
    public boolean needsBody() {
        return true;
    }

    @Override
    public Future<Verdict> check(Exchange ex) {
        ObjectNode body = JsonBody.objectOf(ex);
        if (body == null) return JsonBody.notAnObject(ex).future();
        boolean chatLike = api == LlmApi.CHAT || api == LlmApi.RESPONSES;
        String given = chatLike ? text(body, "safety_identifier") : null;
        if (given == null) given = text(body, "user");
        Identity who = ex.identity();
        String org = who == null ? "" : who.orgId();
        String user = given != null ? "client:" + given : who != null ? "subject:" + who.subject() : "address:" + ex.clientIp();
        String id = ids.of(org, user);
        String cacheKey = chatLike ? text(body, "prompt_cache_key") : null;
        String cache = cacheKey == null ? null : ids.cacheKey(org, cacheKey);
        // Only the provider sees these: the controls after this one read the request as the client sent it.
        String field = chatLike ? "safety_identifier" : "user";
        if (cache == null) {
            // the common case: the bytes received pass as they came, the one member spliced in (in place of the client's)
            ex.json().sendMember(field, id, chatLike ? "user" : "safety_identifier");
        } else { // two members to send: the tree, serialised once
            ex.json().beforeSend(tree -> {
                tree.remove("user");
                tree.remove("safety_identifier");
                tree.put(field, id);
                tree.put("prompt_cache_key", cache);
            });
        }
        ex.logField("end_user_id", id);
        return Verdict.ALLOWED;
    }

    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }
}
