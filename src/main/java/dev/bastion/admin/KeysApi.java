package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.auditFields;
import static dev.bastion.admin.AdminAnswers.crossTenant;
import static dev.bastion.admin.AdminAnswers.forbidden;

import dev.bastion.authn.ApiKeyService;
import dev.bastion.authn.RevocationService;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.ApiKeyRecord;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * API keys on the admin API: {@code /admin/v1/keys} (list, create), {@code /admin/v1/keys/{id}} (read, change tier or
 * expiry), {@code /admin/v1/keys/{id}/revoke}, and {@code /admin/v1/orgs/{org}/keys}. An org admin acts on their own
 * org only and can neither grant {@code operator} nor set a tier (a tier is a plan an operator sells); the secret of a
 * new key is in the 201 answer and nowhere else.
 */
public final class KeysApi {
    private static final Set<String> STATUSES = Set.of("active", "revoked", "expired");

    private final Vertx vertx;
    private final Store store;
    private final RevocationService revocations;
    private final AuditLog audit;
    private final Clock clock;
    private final AdminTiers tiers;

    public KeysApi(Vertx vertx, Store store, RevocationService revocations, AuditLog audit, Clock clock, AdminTiers tiers) {
        this.vertx = vertx;
        this.store = store;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
        this.tiers = tiers;
    }

    /** {@code GET /admin/v1/keys?org=&status=&tier=} and {@code POST /admin/v1/keys}. */
    public LocalEndpoint collection() {
        return ex -> ex.method() == HttpMethod.POST ? AdminAnswers.blocking(vertx, ex, id -> create(ex, id))
                : AdminAnswers.blocking(vertx, ex, id -> list(ex, id, AdminQuery.of(ex).string("org")));
    }

    /** {@code GET /admin/v1/orgs/{org}/keys}: the same list, the org in the path. */
    public LocalEndpoint ofOrg() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> list(ex, id, AdminQuery.segment(ex, 3)));
    }

    /** {@code GET} and {@code PATCH /admin/v1/keys/{id}}. */
    public LocalEndpoint one() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String keyId = AdminQuery.segment(ex, 3);
            boolean patch = ex.method() == HttpMethod.PATCH;
            JsonObject body = patch ? AdminAnswers.body(ex) : null;
            Optional<ApiKeyRecord> key = find(id, keyId);
            if (key.isEmpty()) return crossTenant(audit, id, ex.requestId(), patch ? "update" : "read", "key", keyId);
            if (!patch) return answer(200, json(key.get(), store.apiKeys().tierOf(keyId).orElse(null)));
            return update(ex, id, key.get(), body);
        });
    }

    /** {@code POST /admin/v1/keys/{id}/revoke}: the revocation of {@code /admin/v1/revocations}, refused on every node. */
    public LocalEndpoint revoke() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String keyId = AdminQuery.segment(ex, 3);
            Optional<ApiKeyRecord> key = find(id, keyId);
            if (key.isEmpty()) return crossTenant(audit, id, ex.requestId(), "revoke", "key", keyId);
            Revocation r = revocations.revoke(Revocation.Kind.KEY, keyId, key.get().orgId(), null);
            Map<String, Object> f = auditFields(ex, id, "key:" + keyId);
            f.put("action", "revoke");
            f.put("kind", "key");
            f.put("key_org", key.get().orgId());
            f.put("revocation", r.id());
            audit.event("key.revoked", f);
            return answer(200, json(store.apiKeys().findById(keyId).orElseThrow(), store.apiKeys().tierOf(keyId).orElse(null)).put("revocation", r.id()));
        });
    }

    private Optional<ApiKeyRecord> find(Identity id, String keyId) {
        if (!keyId.matches("[A-Za-z0-9_-]{1,64}")) return Optional.empty();
        return AdminRole.of(id).orElseThrow() == AdminRole.OPERATOR ? store.apiKeys().findById(keyId) : store.apiKeys().findById(id.orgId(), keyId);
    }

    private Verdict list(Exchange ex, Identity id, String org) {
        AdminQuery q = AdminQuery.of(ex);
        String status = q.oneOf("status", STATUSES);
        String tier = q.string("tier");
        q.limit();
        q.offset(); // a bad page parameter is refused before anything is read
        AdminRole.OrgScope scope = AdminRole.scope(id, org);
        if (scope.foreign()) return crossTenant(audit, id, ex.requestId(), "list", "org", org);
        Map<String, String> keyTiers = store.apiKeys().tiers(scope.org());
        Instant now = clock.instant();
        List<ApiKeyRecord> keys = store.apiKeys().list(scope.org()).stream()
                .filter(k -> status == null || status.equals(status(k, now)))
                .filter(k -> tier == null || tier.equals(keyTiers.get(k.id())))
                .toList();
        AdminAudit.read(audit, ex, id, "keys", keys.size());
        return answer(200, q.page(keys, k -> json(k, keyTiers.get(k.id()))));
    }

    private Verdict create(Exchange ex, Identity id) {
        JsonObject b = AdminAnswers.body(ex);
        String name = AdminBody.requiredText(b, "name");
        Set<String> scopes = AdminBody.strings(b, "scopes");
        String org = AdminBody.text(b, "org");
        String tier = b.containsKey("tier") ? tiers.checked(b.getValue("tier")) : null;
        Instant expires = AdminBody.time(b, "expires_at");
        boolean operator = AdminRole.of(id).orElseThrow() == AdminRole.OPERATOR;
        if (!operator && tier != null) return forbidden("Only an operator can set a tier.");
        String target = AdminAnswers.creationOrg(store, audit, ex, id, org, scopes);
        Duration lifetime = lifetime(expires);
        ApiKeyService.CreatedKey k = AdminBody.checked(() -> new ApiKeyService(store, clock).create(target, scopes, name, lifetime));
        if (tier != null) store.apiKeys().setTier(target, k.record().id(), tier);
        Map<String, Object> f = auditFields(ex, id, "key:" + k.record().id());
        f.put("key_org", target);
        f.put("scopes", String.join(",", new TreeSet<>(scopes)));
        f.put("expires_at", k.record().expiresAt() == null ? 0L : k.record().expiresAt().toEpochMilli());
        if (tier != null) f.put("tier", tier);
        audit.event("key.created", f);
        return answer(201, new JsonObject().put("key", json(k.record(), tier)).put("secret", k.plaintext()));
    }

    private Verdict update(Exchange ex, Identity id, ApiKeyRecord key, JsonObject b) {
        boolean operator = AdminRole.of(id).orElseThrow() == AdminRole.OPERATOR;
        boolean setTier = b.containsKey("tier"), setExpiry = b.containsKey("expires_at");
        if (!setTier && !setExpiry) throw new AdminAnswers.BadParameter("body", "expected tier or expires_at");
        if (setTier && !operator) return forbidden("Only an operator can set a tier.");
        String tier = setTier ? tiers.checked(b.getValue("tier")) : null;
        Instant expires = setExpiry ? AdminBody.time(b, "expires_at") : null;
        if (setExpiry) lifetime(expires);
        Map<String, Object> f = auditFields(ex, id, "key:" + key.id());
        f.put("key_org", key.orgId());
        if (setTier) {
            store.apiKeys().setTier(key.orgId(), key.id(), tier);
            f.put("tier", tier == null ? "default" : tier);
            audit.event("key.tier_changed", f);
        }
        if (setExpiry) {
            store.apiKeys().setExpiry(key.orgId(), key.id(), expires);
            Map<String, Object> e = auditFields(ex, id, "key:" + key.id());
            e.put("key_org", key.orgId());
            e.put("action", "expiry_changed");
            e.put("expires_at", expires == null ? 0L : expires.toEpochMilli());
            audit.event("key.expiry_changed", e);
        }
        return answer(200, json(store.apiKeys().findById(key.id()).orElseThrow(), store.apiKeys().tierOf(key.id()).orElse(null)));
    }

    /** Null for no expiry; a time in the past or over ten years out is refused. */
    private Duration lifetime(Instant expires) {
        if (expires == null) return null;
        Duration d = Duration.between(clock.instant(), expires);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(3650)) > 0) {
            throw new AdminAnswers.BadParameter("expires_at", "expected a time in the future, at most 3650 days out");
        }
        return d;
    }

    static String status(ApiKeyRecord k, Instant now) {
        return k.revoked() ? "revoked" : k.expiredAt(now) ? "expired" : "active";
    }

    JsonObject json(ApiKeyRecord k, String tier) {
        return new JsonObject().put("id", k.id()).put("org", k.orgId()).put("name", k.name())
                .put("scopes", new JsonArray(List.copyOf(new TreeSet<>(k.scopes())))).put("tier", tier)
                .put("created_at", k.createdAt().toString()).put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString())
                .put("revoked", k.revoked()).put("status", status(k, clock.instant()));
    }
}
