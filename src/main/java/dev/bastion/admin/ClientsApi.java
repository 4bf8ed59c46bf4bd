package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.auditFields;
import static dev.bastion.admin.AdminAnswers.crossTenant;

import dev.bastion.authn.RevocationService;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.Client;
import dev.bastion.store.Revocation;
import dev.bastion.store.Store;
import dev.bastion.tokens.ClientService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Machine clients ({@code client_credentials}) on the admin API: {@code /admin/v1/clients} (list, create — the secret
 * in the 201 answer only), {@code /admin/v1/clients/{id}}, {@code /admin/v1/clients/{id}/disable} (a revocation, refused
 * on every node) and {@code /admin/v1/orgs/{org}/clients}. The same org rules as keys.
 */
public final class ClientsApi {
    private final Vertx vertx;
    private final Store store;
    private final RevocationService revocations;
    private final AuditLog audit;
    private final Clock clock;

    public ClientsApi(Vertx vertx, Store store, RevocationService revocations, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@code GET /admin/v1/clients?org=} and {@code POST /admin/v1/clients}. */
    public LocalEndpoint collection() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> ex.method() == HttpMethod.POST ? create(ex, id) : list(ex, id, AdminQuery.of(ex).string("org")));
    }

    /** {@code GET /admin/v1/orgs/{org}/clients}. */
    public LocalEndpoint ofOrg() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> list(ex, id, AdminQuery.segment(ex, 3)));
    }

    /** {@code GET /admin/v1/clients/{id}}. */
    public LocalEndpoint one() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String clientId = AdminQuery.segment(ex, 3);
            return find(id, clientId).map(c -> answer(200, json(c))).orElseGet(() -> crossTenant(audit, id, ex.requestId(), "read", "client", clientId));
        });
    }

    /** {@code POST /admin/v1/clients/{id}/disable}. */
    public LocalEndpoint disable() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String clientId = AdminQuery.segment(ex, 3);
            Optional<Client> c = find(id, clientId);
            if (c.isEmpty()) return crossTenant(audit, id, ex.requestId(), "disable", "client", clientId);
            Revocation r = revocations.revoke(Revocation.Kind.CLIENT, clientId, c.get().orgId(), null);
            Map<String, Object> f = auditFields(ex, id, "client:" + clientId);
            f.put("action", "disable");
            f.put("client_org", c.get().orgId());
            f.put("revocation", r.id());
            audit.event("client.disabled", f);
            return answer(200, json(store.clients().findById(clientId).orElseThrow()).put("revocation", r.id()));
        });
    }

    private Optional<Client> find(Identity id, String clientId) {
        if (!clientId.matches("[A-Za-z0-9_-]{1,64}")) return Optional.empty();
        return AdminRole.of(id).orElseThrow() == AdminRole.OPERATOR ? store.clients().findById(clientId) : store.clients().findById(id.orgId(), clientId);
    }

    private Verdict list(Exchange ex, Identity id, String org) {
        AdminQuery q = AdminQuery.of(ex);
        q.limit();
        q.offset();
        AdminRole.OrgScope scope = AdminRole.scope(id, org);
        if (scope.foreign()) return crossTenant(audit, id, ex.requestId(), "list", "org", org);
        List<Client> clients = store.clients().list(scope.org());
        AdminAudit.read(audit, ex, id, "clients", clients.size());
        return answer(200, q.page(clients, ClientsApi::json));
    }

    private Verdict create(Exchange ex, Identity id) {
        JsonObject b = AdminAnswers.body(ex);
        String name = AdminBody.requiredText(b, "name");
        Set<String> scopes = AdminBody.strings(b, "scopes");
        String org = AdminAnswers.creationOrg(store, audit, ex, id, AdminBody.text(b, "org"), scopes);
        ClientService.CreatedClient c = AdminBody.checked(() -> new ClientService(store, clock).create(org, scopes, name, null));
        Map<String, Object> f = auditFields(ex, id, "client:" + c.client().id());
        f.put("client_org", org);
        f.put("scopes", String.join(",", new TreeSet<>(scopes)));
        audit.event("client.created", f);
        return answer(201, new JsonObject().put("client", json(c.client())).put("secret", c.secret()));
    }

    static JsonObject json(Client c) {
        return new JsonObject().put("id", c.id()).put("org", c.orgId()).put("name", c.name()).put("scopes", new JsonArray(List.copyOf(new TreeSet<>(c.scopes()))))
                .put("created_at", c.createdAt().toString()).put("disabled", c.disabled());
    }
}
