package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.auditFields;
import static dev.bastion.admin.AdminAnswers.crossTenant;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.Org;
import dev.bastion.store.OrgRepository;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Orgs on the admin API: {@code GET /admin/v1/orgs} (an operator every org, filter {@code tier}; an org admin a list of
 * their own), {@code POST} (operator), {@code GET /admin/v1/orgs/{org}} (another org than an org admin's own: 404 and
 * recorded), {@code PATCH} with {@code {tier}} (operator; null or "default" removes it).
 */
public final class OrgsApi {
    private final Vertx vertx;
    private final Store store;
    private final AuditLog audit;
    private final AdminTiers tiers;

    public OrgsApi(Vertx vertx, Store store, AuditLog audit, AdminTiers tiers) {
        this.vertx = vertx;
        this.store = store;
        this.audit = audit;
        this.tiers = tiers;
    }

    /** {@code GET} (any admin) and {@code POST /admin/v1/orgs} (the route asks for {@code operator} on POST: see AdminRoutes). */
    public LocalEndpoint list() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            AdminQuery q = AdminQuery.of(ex);
            String tier = q.string("tier");
            q.limit();
            q.offset();
            AdminRole.OrgScope scope = AdminRole.scope(id, null);
            List<Org> orgs = (scope.all() ? store.orgs().list() : store.orgs().find(scope.org()).stream().toList()).stream()
                    .filter(o -> tier == null || tier.equals(o.tier())).toList();
            AdminAudit.read(audit, ex, id, "orgs", orgs.size());
            return answer(200, q.page(orgs, OrgsApi::json));
        });
    }

    /** {@code POST /admin/v1/orgs} {@code {id, tier?}}: 201, or 409 when the org exists. */
    public LocalEndpoint create() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            JsonObject b = AdminAnswers.body(ex);
            String org = AdminBody.requiredText(b, "id");
            if (!OrgRepository.isValidId(org)) throw new AdminAnswers.BadParameter("id", "expected letters, digits, _ and -; up to 63");
            String tier = b.containsKey("tier") ? tiers.checked(b.getValue("tier")) : null;
            if (!store.orgs().ensure(org)) return AdminAnswers.error(409, "org_exists", "That org exists already.");
            if (tier != null) store.orgs().setTier(org, tier);
            Map<String, Object> f = auditFields(ex, id, "org:" + org);
            if (tier != null) f.put("tier", tier);
            audit.event("org.created", f);
            return answer(201, json(store.orgs().find(org).orElseThrow()));
        });
    }

    /** {@code GET /admin/v1/orgs/{org}} (any admin, own org) and {@code PATCH} (operator, on the route). */
    public LocalEndpoint one() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String org = AdminQuery.segment(ex, 3);
            boolean patch = ex.method() == HttpMethod.PATCH;
            JsonObject b = patch ? AdminAnswers.body(ex) : null;
            AdminRole.OrgScope scope = AdminRole.scope(id, org);
            Org found = scope.foreign() || !OrgRepository.isValidId(org) ? null : store.orgs().find(org).orElse(null);
            if (found == null) return scope.foreign() ? crossTenant(audit, id, ex.requestId(), patch ? "update" : "read", "org", org) : AdminAnswers.notFound("org");
            if (!patch) return answer(200, json(found));
            if (!b.containsKey("tier")) throw new AdminAnswers.BadParameter("tier", "required (null or \"default\" removes it)");
            String tier = tiers.checked(b.getValue("tier"));
            store.orgs().setTier(org, tier);
            Map<String, Object> f = auditFields(ex, id, "org:" + org);
            f.put("tier", tier == null ? "default" : tier);
            audit.event("org.tier_changed", f);
            return answer(200, json(store.orgs().find(org).orElseThrow()));
        });
    }

    static JsonObject json(Org o) {
        return new JsonObject().put("id", o.id()).put("tier", o.tier()).put("created_at", o.createdAt().toString());
    }
}
