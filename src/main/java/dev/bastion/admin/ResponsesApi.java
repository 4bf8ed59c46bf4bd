package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.auditFields;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.observe.AuditLog;
import dev.bastion.respond.ResponsesRuntime;
import dev.bastion.store.ResponseAction;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Automatic responses (O4) on the admin API (operator): {@code GET /admin/v1/responses} lists the blocks and suspensions
 * in force (incident switches are {@code /admin/v1/incidents}), {@code DELETE /admin/v1/responses/{id}} lifts one — this
 * node at once, the others by broadcast or at their next poll.
 */
public final class ResponsesApi {
    private final Vertx vertx;
    private final Store store;
    private final ResponsesRuntime runtime;
    private final AuditLog audit;
    private final Clock clock;

    public ResponsesApi(Vertx vertx, Store store, ResponsesRuntime runtime, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.runtime = runtime;
        this.audit = audit;
        this.clock = clock;
    }

    public LocalEndpoint list() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            List<ResponseAction> active = store.responses().active(clock.instant()).stream().filter(a -> !a.incident()).toList();
            return answer(200, AdminQuery.of(ex).page(active, ResponsesApi::json));
        });
    }

    public LocalEndpoint lift() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String actionId = AdminQuery.segment(ex, 3);
            Instant now = clock.instant();
            ResponseAction a = actionId.matches("[A-Za-z0-9_-]{1,64}") ? store.responses().find(actionId).filter(r -> r.activeAt(now) && !r.incident()).orElse(null) : null;
            if (a == null || !store.responses().lift(a.id(), id.subject(), now)) return AdminAnswers.notFound("automatic response in force");
            ResponseAction lifted = store.responses().find(a.id()).orElse(a);
            runtime.lifted(lifted);
            Map<String, Object> f = auditFields(ex, id, a.subject());
            f.put("action_id", a.id());
            f.put("action", a.action());
            f.put("rule", a.rule());
            f.put("lifted_by", "operator");
            audit.event("response.lifted", f);
            return answer(200, json(lifted));
        });
    }

    static JsonObject json(ResponseAction a) {
        return new JsonObject().put("id", a.id()).put("rule", a.rule()).put("action", a.action()).put("subject", a.subject()).put("org", a.orgId())
                .put("node", a.node()).put("created_at", a.createdAt().toString()).put("expires_at", a.expiresAt().toString())
                .put("lifted_at", a.liftedAt() == null ? null : a.liftedAt().toString());
    }
}
