package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.crossTenant;
import static dev.bastion.admin.AdminAnswers.error;

import dev.bastion.authn.RevocationService;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.dataprotect.SubjectRequests;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocations and subject requests on the admin API ({@code /admin/v1/revocations}, {@code /admin/v1/data/…}): an org
 * admin revokes their own org's keys, clients, users and Bastion-issued tokens, an operator any org's (A8, Z2); the
 * subject requests act on the caller's own org. An org admin's lookups are scoped to their org in the store query
 * itself: another org's object is "not found" (404), and the attempt is recorded ({@link AdminAnswers#crossTenant}).
 * Revoking a whole org is an operator action (CLI). Store work runs on a worker.
 */
public final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    private final Vertx vertx;
    private final Store store;
    private final RevocationService revocations;
    private final dev.bastion.observe.AuditLog audit;
    private final SubjectRequests subjects;

    /** @param subjects subject requests (export, deletion) on the caller's own org; null: those endpoints answer 404 */
    public AdminApi(Vertx vertx, Store store, RevocationService revocations, dev.bastion.observe.AuditLog audit, SubjectRequests subjects) {
        this.vertx = vertx;
        this.store = store;
        this.revocations = revocations;
        this.audit = audit;
        this.subjects = subjects;
    }

    /**
     * {@code GET /admin/v1/data/users/{id}}: everything Bastion holds about one of the caller's org's users
     * (docs/data-protection.md); {@code DELETE}: revokes the user, deletes their rows and destroys their data keys.
     * A user of another org is "not found", and the attempt recorded, as for revocations.
     */
    public LocalEndpoint dataUser() {
        return ex -> {
            String prefix = "/admin/v1/data/users/";
            String userId = ex.path().startsWith(prefix) ? ex.path().substring(prefix.length()) : "";
            // one path segment, shaped like an id: anything else names no user
            if (subjects == null || !userId.matches("[A-Za-z0-9_-]{1,64}")) return Future.succeededFuture(error(404, "not_found", "No such user in your org."));
            boolean delete = ex.method() == io.vertx.core.http.HttpMethod.DELETE;
            return blocking(ex, id -> {
                if (subjects.user(userId, id.orgId()).isEmpty()) return crossTenant(audit, id, ex.requestId(), delete ? "data.delete" : "data.export", "user", userId);
                Map<String, Object> fields = new java.util.HashMap<>(Map.of("org", id.orgId(), "principal", id.subject(), "request_id", ex.requestId(),
                        "ref", "user:" + userId, "via", "admin_api"));
                if (!delete) {
                    JsonObject doc = subjects.exportUser(userId, id.orgId()).orElseThrow();
                    fields.put("events", doc.getJsonArray("audit_events").size());
                    audit.event("data.export", fields);
                    return answer(200, doc);
                }
                revocations.revoke(Revocation.Kind.USER, userId, id.orgId(), null); // tokens still in flight are refused
                SubjectRequests.Deleted d = subjects.deleteUser(userId, id.orgId()).orElseThrow();
                fields.putAll(d.fields());
                audit.event("data.delete", fields);
                return answer(200, new JsonObject().put("deleted", userId).put("user_rows", d.userRows()).put("usage_rows", d.usageRows())
                        .put("token_rows", d.tokenRows()).put("keys_destroyed", d.keysDestroyed()));
            });
        };
    }

    /** {@code GET /admin/v1/data/org}: everything Bastion holds about the caller's own org. */
    public LocalEndpoint dataOrg() {
        return ex -> subjects == null ? Future.succeededFuture(error(404, "not_found", "Subject requests are not available.")) : blocking(ex, id -> {
            JsonObject doc = subjects.exportOrg(id.orgId()).orElse(null);
            if (doc == null) return error(404, "not_found", "No such org.");
            audit.event("data.export", Map.of("org", id.orgId(), "principal", id.subject(), "request_id", ex.requestId(), "ref", "org:" + id.orgId(),
                    "via", "admin_api", "events", doc.getJsonArray("audit_events").size()));
            return answer(200, doc);
        });
    }

    /** {@code POST /admin/v1/revocations} with {@code {"kind": "key|client|user|token", "id": "…"}}. */
    public LocalEndpoint revocations() {
        return ex -> {
            JsonObject body;
            try {
                body = ex.body() == null ? null : ex.body().toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                return Future.succeededFuture(error(400, "request_invalid", "The body must be a JSON object."));
            }
            String kind = body == null ? null : body.getString("kind");
            String target = body == null ? null : body.getString("id");
            if (kind == null || target == null) {
                return Future.succeededFuture(error(400, "request_invalid", "Send {\"kind\": \"key|client|user|token\", \"id\": \"…\"}."));
            }
            return blocking(ex, id -> revoke(id, ex.requestId(), kind, target));
        };
    }

    /** An operator revokes in any org (the object's own); an org admin in their own only. */
    private Verdict revoke(Identity id, String requestId, String kind, String target) {
        boolean operator = AdminRole.of(id).orElseThrow() == AdminRole.OPERATOR;
        String own = id.orgId();
        record Found(String org, Instant expires) {}
        Optional<Found> found = switch (kind) {
            case "key" -> (operator ? store.apiKeys().findById(target) : store.apiKeys().findById(own, target)).map(k -> new Found(k.orgId(), null));
            case "client" -> (operator ? store.clients().findById(target) : store.clients().findById(own, target)).map(c -> new Found(c.orgId(), null));
            case "user" -> (operator ? store.users().findById(target) : store.users().findById(own, target)).map(u -> new Found(u.orgId(), null));
            case "token" -> (operator ? store.issuedTokens().find(target) : store.issuedTokens().find(own, target)).map(t -> new Found(t.orgId(), t.expiresAt()));
            default -> null;
        };
        if (found == null) return error(400, "request_invalid", "kind must be key, client, user or token.");
        if (found.isEmpty()) return crossTenant(audit, id, requestId, "revoke", kind, target);
        String org = found.get().org();
        Revocation r = revocations.revoke(Revocation.Kind.fromWire(kind), target, org, found.get().expires());
        log.info("admin_event revoke kind={} id={} org={} actor={} request_id={}", kind, target, org, id.subject(), requestId);
        Map<String, Object> f = new java.util.HashMap<>(Map.of("org", own, "principal", id.subject(), "action", "revoke", "kind", kind, "request_id", requestId,
                "ref", kind + ":" + target, "revocation", r.id(), "via", "admin_api"));
        if (!org.equals(own)) f.put("target_org", org);
        audit.event(switch (kind) {
            case "key" -> "key.revoked";
            case "client" -> "client.disabled";
            default -> "revocation.created";
        }, f);
        return answer(201, new JsonObject().put("revocation", r.id()).put("kind", kind).put("id", target));
    }

    private Future<Verdict> blocking(Exchange ex, java.util.function.Function<Identity, Verdict> work) {
        return AdminAnswers.blocking(vertx, ex, work);
    }
}
