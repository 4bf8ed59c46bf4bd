package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.Store;
import dev.bastion.store.User;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** {@code GET /admin/v1/users?org=}: the users identity providers brought in (just in time), an org admin's own org's only. */
public final class UsersApi {
    private final Vertx vertx;
    private final Store store;
    private final AuditLog audit;

    public UsersApi(Vertx vertx, Store store, AuditLog audit) {
        this.vertx = vertx;
        this.store = store;
        this.audit = audit;
    }

    public LocalEndpoint list() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            AdminQuery q = AdminQuery.of(ex);
            String org = q.string("org");
            q.limit();
            q.offset();
            AdminRole.OrgScope scope = AdminRole.scope(id, org);
            if (scope.foreign()) return AdminAnswers.crossTenant(audit, id, ex.requestId(), "list", "org", org);
            List<User> users = store.users().list(scope.org());
            AdminAudit.read(audit, ex, id, "users", users.size());
            return answer(200, q.page(users, UsersApi::json));
        });
    }

    static JsonObject json(User u) {
        return new JsonObject().put("id", u.id()).put("org", u.orgId()).put("issuer", u.issuer()).put("external_id", u.externalId())
                .put("role", u.role()).put("first_seen", u.firstSeen().toString()).put("last_seen", u.lastSeen().toString());
    }
}
