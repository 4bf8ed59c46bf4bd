package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;

import dev.bastion.audit.AuditFormats;
import dev.bastion.audit.AuditSource;
import dev.bastion.audit.AuditVerifier;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail on the admin API: {@code GET /admin/v1/audit/events} (newest first, filtered by type, actor, org and
 * time; an org admin sees their own org's events only, whatever {@code org} says) and {@code GET /admin/v1/audit/verify}
 * (operator: what {@code bastion audit verify} reports). The trail holds ids and numbers, never content, so an event is
 * answered with its stored fields as they are.
 */
public final class AuditApi {
    /** How deep the pages of one filter go: each page reads the events before it again. */
    static final int MAX_DEPTH = 10_000;

    private final Vertx vertx;
    private final Store store;
    private final AuditLog audit;

    public AuditApi(Vertx vertx, Store store, AuditLog audit) {
        this.vertx = vertx;
        this.store = store;
        this.audit = audit;
    }

    public LocalEndpoint events() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            AdminQuery q = AdminQuery.of(ex);
            String type = q.string("type"), actor = q.string("actor"), org = q.string("org");
            Instant from = q.instant("from"), to = q.instant("to");
            int limit = q.limit(), offset = q.offset();
            if (offset + limit > MAX_DEPTH) throw new AdminAnswers.BadParameter("cursor", "pages go " + MAX_DEPTH + " events deep; narrow from and to");
            AdminRole.OrgScope scope = AdminRole.scope(id, org);
            if (scope.foreign()) return AdminAnswers.crossTenant(audit, id, ex.requestId(), "audit", "org", org);
            AuditRepository.Filter f = new AuditRepository.Filter(null, from == null ? null : from.toEpochMilli(), to == null ? null : to.toEpochMilli(),
                    type, actor, scope.org(), null);
            // newest first: the search answers the newest rows oldest first
            List<AuditRow> rows = new ArrayList<>(store.audit().search(f, offset + limit + 1, false, true).reversed());
            JsonObject page = q.page(rows, AuditApi::json);
            AdminAudit.read(audit, ex, id, "audit_events", page.getJsonArray("items").size());
            return answer(200, page);
        });
    }

    public LocalEndpoint verify() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            AuditVerifier.Report r = AuditSource.fromStore(store, null, null, null).verify(List.of());
            return answer(200, new JsonObject().put("ok", r.ok()).put("events", r.events()).put("checkpoints", r.checkpoints())
                    .put("problems", new JsonArray(r.problems())).put("notes", new JsonArray(r.notes())));
        });
    }

    static JsonObject json(AuditRow r) {
        JsonObject o = AuditFormats.eventJson(r);
        o.remove("kind");
        o.remove("ts");
        return o;
    }
}
