package dev.bastion.approval;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin API of {@link Approvals}: {@code GET /admin/v1/mcp/approvals} lists the caller's org's waiting calls;
 * {@code POST /admin/v1/mcp/approvals/{id}} with {@code {"decision": "approve"|"deny"}} decides one, from any node. A call
 * of the caller's org no longer waiting — decided already, timed out, withdrawn — is 409; an unknown id, or another
 * org's, is one 404.
 */
public final class ApprovalEndpoints {
    public static final String PATH = "/admin/v1/mcp/approvals";
    private final Approvals approvals;

    public ApprovalEndpoints(Approvals approvals) {
        this.approvals = approvals;
    }

    public LocalEndpoint list() {
        return ex -> approvals.pending(ex.identity().orgId()).compose(pending -> {
            JsonArray out = new JsonArray();
            for (Approvals.Pending p : pending) {
                out.add(new JsonObject().put("id", p.id()).put("route", p.route()).put("tool", p.tool()).put("caller", p.caller())
                        .put("asked", p.asked().toString()).put("expires", p.expires().toString()).put("arguments", new JsonObject(new java.util.LinkedHashMap<>(p.arguments()))));
            }
            return answer(200, new JsonObject().put("approvals", out));
        });
    }

    public LocalEndpoint decide() {
        return ex -> {
            String id = ex.path().substring(Math.min(ex.path().length(), PATH.length() + 1));
            JsonObject body;
            try {
                body = ex.body() == null ? null : ex.body().toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                body = null;
            }
            String decision = body == null ? null : body.getValue("decision") instanceof String s ? s : null;
            if (!"approve".equals(decision) && !"deny".equals(decision)) {
                return Future.succeededFuture(new Verdict.Deny(400, "request_invalid", "Send {\"decision\": \"approve\"} or {\"decision\": \"deny\"}."));
            }
            return approvals.decide(id, ex.identity().orgId(), "approve".equals(decision), ex.identity().subject()).compose(d -> switch (d) {
                case Approvals.Decision.Taken t -> answer(200, new JsonObject().put("id", t.request().id()).put("tool", t.request().tool()).put("decision", decision));
                case Approvals.Decision.Settled s -> Future.succeededFuture(new Verdict.Deny(409, "approval_settled",
                        "This call is no longer waiting for approval (" + s.state() + ")."));
                case Approvals.Decision.Unknown u -> Future.succeededFuture(new Verdict.Deny(404, "approval_not_found", "No call is waiting for approval under this id."));
            });
        };
    }

    private static Future<Verdict> answer(int status, JsonObject body) {
        return Future.succeededFuture(LocalEndpoint.answer(status, LocalEndpoint.JSON_NO_STORE, body.encode()));
    }
}
