package dev.bastion.admin;

import dev.bastion.authn.AuthenticateControl;
import dev.bastion.authn.Authenticator;
import dev.bastion.authn.RevocationList;
import dev.bastion.authn.RevocationService;
import dev.bastion.authz.RequireControl;
import dev.bastion.chain.Chain;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig;
import dev.bastion.store.ApiKeyRecord;
import dev.bastion.store.Client;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant admin API on the admin listener ({@code /admin/v1/…}): a caller holding the {@code admin}
 * scope (API key or Bastion token) lists its own org's keys and clients, and revokes its own org's keys,
 * clients, users and Bastion-issued tokens (A8, Z2).
 * Everything is scoped to the caller's org in the store query itself: another org's resource is
 * "not found" (404), and the attempt is logged as a security event. Revoking a whole org is an operator
 * action (CLI), not a tenant one.
 */
public final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    /** An answer: status and JSON body. */
    public record Answer(int status, JsonObject body) {}

    private final Vertx vertx;
    private final Store store;
    private final RevocationService revocations;
    private final Chain chain;

    public AdminApi(Vertx vertx, Store store, RevocationService revocations, RevocationList list, List<Authenticator> authenticators) {
        this.vertx = vertx;
        this.store = store;
        this.revocations = revocations;
        this.chain = new Chain(List.of(new AuthenticateControl(authenticators, list),
                new RequireControl(new RouteConfig.Require(List.of("admin"), null, null, null))));
    }

    /** Authenticates, authorizes, then serves; a denial is returned as the chain's verdict. */
    public Future<Object> handle(Exchange ex, String method, String path, JsonObject body) {
        return chain.run(ex).compose(v -> {
            if (v instanceof Verdict.Deny d) return Future.succeededFuture(d);
            Identity id = ex.identity();
            return vertx.executeBlocking(() -> serve(id, ex.requestId(), method, path, body));
        });
    }

    private Object serve(Identity id, String requestId, String method, String path, JsonObject body) {
        String org = id.orgId();
        if ("GET".equals(method) && "/admin/v1/keys".equals(path)) {
            JsonArray out = new JsonArray();
            for (ApiKeyRecord k : store.apiKeys().list(org)) {
                out.add(new JsonObject().put("id", k.id()).put("name", k.name()).put("scopes", new JsonArray(List.copyOf(new TreeSet<>(k.scopes()))))
                        .put("created_at", k.createdAt().toString()).put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString())
                        .put("revoked", k.revoked()));
            }
            return new Answer(200, new JsonObject().put("org", org).put("keys", out));
        }
        if ("GET".equals(method) && "/admin/v1/clients".equals(path)) {
            JsonArray out = new JsonArray();
            for (Client c : store.clients().list(org)) {
                out.add(new JsonObject().put("id", c.id()).put("name", c.name()).put("scopes", new JsonArray(List.copyOf(new TreeSet<>(c.scopes()))))
                        .put("disabled", c.disabled()));
            }
            return new Answer(200, new JsonObject().put("org", org).put("clients", out));
        }
        if ("POST".equals(method) && "/admin/v1/revocations".equals(path)) {
            String kind = body == null ? null : body.getString("kind");
            String target = body == null ? null : body.getString("id");
            if (kind == null || target == null) return new Answer(400, error("request_invalid", "Send {\"kind\": \"key|client|user|token\", \"id\": \"…\"}.", requestId));
            Optional<Instant> found = switch (kind) {
                case "key" -> store.apiKeys().findById(org, target).map(k -> Instant.MAX);
                case "client" -> store.clients().findById(org, target).map(c -> Instant.MAX);
                case "user" -> store.users().findById(org, target).map(u -> Instant.MAX);
                case "token" -> store.issuedTokens().find(org, target).map(t -> t.expiresAt());
                default -> null;
            };
            if (found == null) return new Answer(400, error("request_invalid", "kind must be key, client, user or token.", requestId));
            if (found.isEmpty()) {
                // Not in the caller's org — whether it exists elsewhere is not revealed, but it is recorded.
                log.warn("security_event cross_tenant_attempt actor_org={} actor={} action=revoke kind={} request_id={}", org, id.subject(), kind, requestId);
                return new Answer(404, error("not_found", "No such " + kind + " in your org.", requestId));
            }
            Revocation.Kind k = Revocation.Kind.fromWire(kind);
            Revocation r = revocations.revoke(k, target, org, found.get().equals(Instant.MAX) ? null : found.get());
            log.info("admin_event revoke kind={} id={} org={} actor={} request_id={}", kind, target, org, id.subject(), requestId);
            return new Answer(201, new JsonObject().put("revocation", r.id()).put("kind", kind).put("id", target));
        }
        return new Answer(404, error("route_not_found", "Unknown admin endpoint.", requestId));
    }

    private static JsonObject error(String code, String message, String requestId) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message).put("request_id", requestId));
    }
}
