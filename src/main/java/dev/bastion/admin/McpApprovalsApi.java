package dev.bastion.admin;

import dev.bastion.approval.Approvals;
import dev.bastion.chain.Exchange;
import dev.bastion.observe.AuditLog;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin API of {@link Approvals}: {@code GET /admin/v1/mcp/approvals} lists an org's waiting calls (paginated);
 * {@code POST /admin/v1/mcp/approvals/{id}} with {@code {"decision": "approve"|"deny"}} decides one, from any node.
 * Org-scoped: an org admin decides their own org's calls; an operator any org's, naming it with {@code ?org=} (their
 * own when they name none). A call no longer waiting — decided already, timed out, withdrawn — is 409; an unknown id,
 * or another org's, is one 404.
 */
public final class McpApprovalsApi {
    public static final String PATH = "/admin/v1/mcp/approvals";
    private final Approvals approvals;
    private final AuditLog audit;

    public McpApprovalsApi(Approvals approvals, AuditLog audit) {
        this.approvals = approvals;
        this.audit = audit;
    }

    /** The org the request acts on, from {@code ?org=}; null after recording another org named by an org admin. */
    private String org(Exchange ex) {
        String requested = AdminQuery.of(ex).string("org");
        AdminRole.OrgScope scope = AdminRole.scope(ex.identity(), requested);
        if (scope.foreign()) {
            AdminAnswers.crossTenant(audit, ex.identity(), ex.requestId(), "approvals", "org", requested);
            return null;
        }
        return scope.all() ? ex.identity().orgId() : scope.org();
    }

    public LocalEndpoint list() {
        return ex -> {
            AdminQuery q;
            String org;
            try {
                q = AdminQuery.of(ex);
                q.limit();
                q.offset();
                org = org(ex);
            } catch (AdminAnswers.BadParameter e) {
                return Future.succeededFuture(AdminAnswers.error(400, "request_invalid", e.getMessage()));
            }
            if (org == null) return Future.succeededFuture(AdminAnswers.notFound("org"));
            return approvals.pending(org).compose(pending -> answer(200, q.page(pending, p -> new JsonObject().put("id", p.id()).put("route", p.route())
                    .put("tool", p.tool()).put("caller", p.caller()).put("asked", p.asked().toString()).put("expires", p.expires().toString())
                    .put("arguments", new JsonObject(new java.util.LinkedHashMap<>(p.arguments()))))));
        };
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
            String org;
            try {
                org = org(ex);
            } catch (AdminAnswers.BadParameter e) {
                return Future.succeededFuture(AdminAnswers.error(400, "request_invalid", e.getMessage()));
            }
            if (org == null) return Future.succeededFuture(new Verdict.Deny(404, "approval_not_found", "No call is waiting for approval under this id."));
            return approvals.decide(id, org, "approve".equals(decision), ex.identity().subject()).compose(d -> switch (d) {
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
