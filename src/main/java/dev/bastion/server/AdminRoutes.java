package dev.bastion.server;

import dev.bastion.admin.AdminApi;
import dev.bastion.admin.HealthEndpoints;
import dev.bastion.authn.AuthenticateControl;
import dev.bastion.authn.Authenticator;
import dev.bastion.authn.BastionTokenAuthenticator;
import dev.bastion.authz.RequireControl;
import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.chain.ExchangeListener;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.edge.FramingControl;
import dev.bastion.edge.PathControl;
import dev.bastion.edge.RequestShapeControl;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The admin listener (E6): health and metrics without credentials, and the tenant admin API under
 * {@code /admin/v1/} behind an admin-scoped API key or Bastion token. Its routes are Bastion's own
 * endpoints on the same runner as the public listener — the same framing and path checks, the one error
 * shape, an access line per request — and the public listener never serves them.
 */
final class AdminRoutes {
    /** The admin API takes small JSON bodies only. */
    static final long MAX_BODY = 64 * 1024;
    private static final RouteConfig.Require ADMIN_SCOPE = new RouteConfig.Require(List.of("admin"), null, null, null);
    private static final RouteConfig.Require PIN_SCOPES = new RouteConfig.Require(List.of("admin", "mcp.pins"), null, null, null);
    private static final RouteConfig.Require INCIDENT_SCOPES = new RouteConfig.Require(List.of("admin", "incidents"), null, null, null);
    /** What acts on the whole gateway, every org's traffic (a reload): a platform operator's scope, never a tenant's {@code admin} alone. */
    private static final RouteConfig.Require OPERATOR_SCOPE = new RouteConfig.Require(List.of("operator"), null, null, null);

    private AdminRoutes() {}

    /** @param reload {@code POST /admin/v1/reload} ({@link ConfigReload#endpoint}) */
    static Listener listener(Vertx vertx, BastionConfig config, Services services, List<ExchangeListener> recorders, LocalEndpoint reload) {
        HealthEndpoints health = new HealthEndpoints(vertx, services.store, services.metrics);
        HealthStatus status = new HealthStatus(vertx, config, services);
        AdminApi api = new AdminApi(vertx, services.store, services.revocationService, services.audit,
                new dev.bastion.dataprotect.SubjectRequests(services.store, () -> services.dataKeys, services.clock));
        List<Authenticator> admins = new ArrayList<>(List.of(services.apiKeys, new BastionTokenAuthenticator(config.tokens().issuer(), services.signingKeys::published,
                services.tokenCache, List.of(config.tokens().audience()), services.clock)));
        List<Route> routes = new ArrayList<>();
        // The console (docs/console.md): its session is one more admin credential, after keys and tokens, so a request
        // carrying Authorization is theirs and CSRF never applies to it.
        if (config.console().enabled()) admins.add(ConsoleRoutes.add(vertx, config, services, routes));
        admins = List.copyOf(admins);
        routes.add(open("admin.live", "/health/live", health.live(), services));
        routes.add(open("admin.ready", "/health/ready", health.ready(services.draining::get), services));
        routes.add(open("admin.metrics", "/metrics", health.metrics(), services));
        routes.add(open("admin.status", "/health/status", status, services));
        routes.add(open("admin.deployments", "/health/deployments", dev.bastion.failover.DeploymentHealthEndpoint.of(services.deploymentHealth), services));
        // The API's own description, open like health (OpenApiEndpoint says why); AdminOpenApiTest holds it to these routes.
        routes.add(open("admin.openapi", dev.bastion.admin.OpenApiEndpoint.PATH, dev.bastion.admin.OpenApiEndpoint.of(), services));
        routes.add(admin("admin.keys", "GET", "/admin/v1/keys", api.keys(), admins, services));
        routes.add(admin("admin.clients", "GET", "/admin/v1/clients", api.clients(), admins, services));
        routes.add(admin("admin.revocations", "POST", "/admin/v1/revocations", api.revocations(), admins, services));
        routes.add(admin("admin.data.user", List.of("GET", "DELETE"), "/admin/v1/data/users/*", api.dataUser(), admins, services));
        routes.add(admin("admin.data.org", "GET", "/admin/v1/data/org", api.dataOrg(), admins, services));
        dev.bastion.approval.ApprovalEndpoints approvals = new dev.bastion.approval.ApprovalEndpoints(services.approvals);
        routes.add(admin("admin.mcp.approvals", "GET", dev.bastion.approval.ApprovalEndpoints.PATH, approvals.list(), admins, services));
        routes.add(admin("admin.mcp.approvals.decide", "POST", dev.bastion.approval.ApprovalEndpoints.PATH + "/*", approvals.decide(), admins, services));
        // Incident switches (R2): admin and incidents scopes here, an operator org in the endpoint.
        dev.bastion.admin.IncidentApi incidents = new dev.bastion.admin.IncidentApi(vertx, services.incidents.incidents(), config.incidents().operatorOrgs());
        routes.add(admin("admin.incidents", List.of("GET", "POST"), dev.bastion.admin.IncidentApi.PATH, incidents.collection(), admins, services, INCIDENT_SCOPES));
        routes.add(admin("admin.incident", List.of("DELETE"), dev.bastion.admin.IncidentApi.PATH + "/*", incidents.one(), admins, services, INCIDENT_SCOPES));
        routes.add(admin("admin.reload", List.of("POST"), "/admin/v1/reload", reload, admins, services, OPERATOR_SCOPE));
        // The same lists addressed by org, as a tenant's tooling often does: the {org} segment is bound to the caller's
        // org (Z2), so another org's id answers the unknown-route 404 and records tenant.cross_attempt.
        routes.add(orgBound("admin.org.keys", "/admin/v1/orgs/{org}/keys", api.keys(), admins, services));
        routes.add(orgBound("admin.org.clients", "/admin/v1/orgs/{org}/clients", api.clients(), admins, services));
        // MCP pins are the gateway's, not a tenant's: admin and mcp.pins together, a pair only an operator gives a key.
        dev.bastion.admin.McpPinsApi pins = new dev.bastion.admin.McpPinsApi(vertx, services.store.mcpPins(), services.audit,
                (route, tool) -> config.routes().stream().anyMatch(r -> r.id().equals(route) && r.mcp() != null && r.mcp().pinning().pins().containsKey(tool)),
                services.mcpPins::refreshRow, services.clock);
        routes.add(admin("admin.mcp.pins", List.of("GET"), "/admin/v1/mcp/pins", pins.list(), admins, services, PIN_SCOPES));
        routes.add(admin("admin.mcp.approve", List.of("POST"), "/admin/v1/mcp/pins/approve", pins.decide(true), admins, services, PIN_SCOPES));
        routes.add(admin("admin.mcp.reject", List.of("POST"), "/admin/v1/mcp/pins/reject", pins.decide(false), admins, services, PIN_SCOPES));
        Chain edge = new Chain(List.of(new FramingControl(), new PathControl()));
        return new Listener("admin", vertx, new ClientIpResolver(List.of()), false, new Steps(edge, null, services.metrics), new RouteTable(routes),
                config.edge().bodyTimeout().toMillis(), recorders, services.tracing);
    }

    /** Health, metrics and the API document: GET and HEAD, no credentials (the listener is loopback unless exposed on purpose). */
    private static Route open(String id, String path, LocalEndpoint endpoint, Services services) {
        Chain chain = new Chain(List.of(new RequestShapeControl(0, List.of())));
        return new Route(id, new RouteConfig.Match(List.of("GET", "HEAD"), path, null), Set.of("GET", "HEAD"), new Steps(chain, id, services.metrics),
                new Route.Local(endpoint), null, 0)
                .withOperation(path.equals("/metrics") ? "metrics" : path.startsWith("/admin/") ? "admin" : "health");
    }

    private static Route orgBound(String id, String path, LocalEndpoint endpoint, List<Authenticator> authenticators, Services services) {
        List<Control> controls = List.of(new RequestShapeControl(MAX_BODY, List.of()), new AuthenticateControl(authenticators, services.revocations),
                new RequireControl(ADMIN_SCOPE), new dev.bastion.tenant.TenantControl(id, path, List.of(new RouteConfig.Bind("org", null, null, null, "org", null)),
                        null, services.audit, services.metrics.registry()));
        return new Route(id, new RouteConfig.Match(List.of("GET"), path, null), Set.of("GET"), new Steps(new Chain(controls), id, services.metrics),
                new Route.Local(endpoint), null, MAX_BODY).withOperation("admin");
    }

    private static Route admin(String id, String method, String path, LocalEndpoint endpoint, List<Authenticator> authenticators, Services services) {
        return admin(id, List.of(method), path, endpoint, authenticators, services);
    }

    private static Route admin(String id, List<String> methods, String path, LocalEndpoint endpoint, List<Authenticator> authenticators, Services services) {
        return admin(id, methods, path, endpoint, authenticators, services, ADMIN_SCOPE);
    }

    private static Route admin(String id, List<String> methods, String path, LocalEndpoint endpoint, List<Authenticator> authenticators, Services services,
                               RouteConfig.Require require) {
        List<Control> controls = List.of(new RequestShapeControl(MAX_BODY, methods.contains("POST") ? List.of("application/json") : List.of()),
                new AuthenticateControl(authenticators, services.revocations), new RequireControl(require));
        return new Route(id, new RouteConfig.Match(methods, path, null), Set.copyOf(methods), new Steps(new Chain(controls), id, services.metrics),
                new Route.Local(endpoint), null, MAX_BODY).withOperation("admin");
    }
}
