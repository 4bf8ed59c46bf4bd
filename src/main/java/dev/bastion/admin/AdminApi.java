package dev.bastion.admin;

import dev.bastion.authn.RevocationService;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.dataprotect.SubjectRequests;
import dev.bastion.store.ApiKeyRecord;
import dev.bastion.store.Client;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant admin API on the admin listener ({@code /admin/v1/…}): a caller holding the {@code admin}
 * scope (API key or Bastion token — the listener's chain authenticates and authorizes before any of these
 * endpoints runs) lists its own org's keys and clients, and revokes its own org's keys, clients, users and
 * Bastion-issued tokens (A8, Z2).
 * Everything is scoped to the caller's org in the store query itself: another org's resource is
 * "not found" (404), and the attempt is logged as a security event. Revoking a whole org is an operator
 * action (CLI), not a tenant one. Store work runs on a worker.
 */
public final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final Map<String, String> JSON = LocalEndpoint.JSON_NO_STORE;

    private final Vertx vertx;
    private final Store store;
    private final RevocationService revocations;
    private final dev.bastion.observe.AuditLog audit;
    private final SubjectRequests subjects;

    public AdminApi(Vertx vertx, Store store, RevocationService revocations) {
        this(vertx, store, revocations, (event, fields) -> {});
    }

    public AdminApi(Vertx vertx, Store store, RevocationService revocations, dev.bastion.observe.AuditLog audit) {
        this(vertx, store, revocations, audit, null);
    }

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
                if (subjects.user(userId, id.orgId()).isEmpty()) return crossTenant(id, ex.requestId(), delete ? "data.delete" : "data.export", "user", userId);
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

    private Verdict crossTenant(Identity id, String requestId, String action, String kind, String target) {
        // Not in the caller's org — whether it exists elsewhere is not revealed, but it is recorded.
        log.warn("security_event cross_tenant_attempt actor_org={} actor={} action={} kind={} request_id={}", id.orgId(), id.subject(), action, kind, requestId);
        audit.event("tenant.cross_attempt", Map.of("org", id.orgId(), "principal", id.subject(), "action", action, "kind", kind,
                "request_id", requestId, "object", target));
        return error(404, "not_found", "No such " + kind + " in your org.");
    }

    /** A tenant admin listed its org's credentials: who, which list, how many (never the list itself). */
    private void read(dev.bastion.chain.Exchange ex, dev.bastion.chain.Identity id, String what, int count) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("org", id.orgId());
        f.put("principal", id.subject());
        f.put("ref", what);
        f.put("request_id", ex.requestId());
        if (ex.traceId() != null) f.put("trace_id", ex.traceId());
        f.put("client_ip", ex.clientIp());
        f.put("count", count);
        audit.event("admin.read", f);
    }

    /** {@code GET /admin/v1/keys}: the caller's org's API keys, never a secret. */
    public LocalEndpoint keys() {
        return ex -> blocking(ex, id -> {
            JsonArray out = new JsonArray();
            for (ApiKeyRecord k : store.apiKeys().list(id.orgId())) {
                out.add(new JsonObject().put("id", k.id()).put("name", k.name()).put("scopes", new JsonArray(List.copyOf(new TreeSet<>(k.scopes()))))
                        .put("created_at", k.createdAt().toString()).put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString())
                        .put("revoked", k.revoked()));
            }
            read(ex, id, "keys", out.size());
            return answer(200, new JsonObject().put("org", id.orgId()).put("keys", out));
        });
    }

    /** {@code GET /admin/v1/clients}: the caller's org's machine clients. */
    public LocalEndpoint clients() {
        return ex -> blocking(ex, id -> {
            JsonArray out = new JsonArray();
            for (Client c : store.clients().list(id.orgId())) {
                out.add(new JsonObject().put("id", c.id()).put("name", c.name()).put("scopes", new JsonArray(List.copyOf(new TreeSet<>(c.scopes()))))
                        .put("disabled", c.disabled()));
            }
            read(ex, id, "clients", out.size());
            return answer(200, new JsonObject().put("org", id.orgId()).put("clients", out));
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

    private Verdict revoke(Identity id, String requestId, String kind, String target) {
        String org = id.orgId();
        Optional<Instant> found = switch (kind) {
            case "key" -> store.apiKeys().findById(org, target).map(k -> Instant.MAX);
            case "client" -> store.clients().findById(org, target).map(c -> Instant.MAX);
            case "user" -> store.users().findById(org, target).map(u -> Instant.MAX);
            case "token" -> store.issuedTokens().find(org, target).map(t -> t.expiresAt());
            default -> null;
        };
        if (found == null) return error(400, "request_invalid", "kind must be key, client, user or token.");
        if (found.isEmpty()) return crossTenant(id, requestId, "revoke", kind, target);
        Revocation.Kind k = Revocation.Kind.fromWire(kind);
        Revocation r = revocations.revoke(k, target, org, found.get().equals(Instant.MAX) ? null : found.get());
        log.info("admin_event revoke kind={} id={} org={} actor={} request_id={}", kind, target, org, id.subject(), requestId);
        audit.event(switch (kind) {
            case "key" -> "key.revoked";
            case "client" -> "client.disabled";
            default -> "revocation.created";
        }, Map.of("org", org, "principal", id.subject(), "action", "revoke", "kind", kind, "request_id", requestId,
                "ref", kind + ":" + target, "revocation", r.id(), "via", "admin_api"));
        return answer(201, new JsonObject().put("revocation", r.id()).put("kind", kind).put("id", target));
    }

    private Future<Verdict> blocking(Exchange ex, java.util.function.Function<Identity, Verdict> work) {
        Identity id = ex.identity();
        if (id == null) return Future.failedFuture(new IllegalStateException("admin endpoint reached without a caller"));
        return vertx.executeBlocking(() -> work.apply(id));
    }

    private static Verdict answer(int status, JsonObject body) {
        return LocalEndpoint.answer(status, JSON, body.encode());
    }

    private static Verdict error(int status, String code, String message) {
        return new Verdict.Deny(status, code, message);
    }
}
