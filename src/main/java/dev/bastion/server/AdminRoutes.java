package dev.bastion.server;

import dev.bastion.admin.AdminApi;
import dev.bastion.admin.AdminRole;
import dev.bastion.admin.AdminTiers;
import dev.bastion.admin.AuditApi;
import dev.bastion.admin.PostureApi;
import dev.bastion.admin.ResponsesApi;
import dev.bastion.admin.SecretsApi;
import dev.bastion.admin.TokenKeysApi;
import dev.bastion.admin.ClientsApi;
import dev.bastion.admin.HealthEndpoints;
import dev.bastion.admin.IncidentApi;
import dev.bastion.admin.KeysApi;
import dev.bastion.admin.McpApprovalsApi;
import dev.bastion.admin.McpPinsApi;
import dev.bastion.admin.OpenApiEndpoint;
import dev.bastion.admin.OrgsApi;
import dev.bastion.admin.TiersApi;
import dev.bastion.admin.UsersApi;
import dev.bastion.admin.WhoamiApi;
import dev.bastion.admin.TrafficApi;
import dev.bastion.admin.UsageApi;
import dev.bastion.admin.SecurityApi;
import dev.bastion.admin.UpstreamsApi;
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
 * The admin listener (E6): health and metrics without credentials, and the admin API under {@code /admin/v1/} behind an
 * API key or Bastion token of one of the two roles of {@link AdminRole}: operator endpoints ask for the {@code operator}
 * scope on the route; org-scoped ones accept {@code operator} or {@code admin} and scope to an org in the endpoint. Its routes are Bastion's own
 * endpoints on the same runner as the public listener — the same framing and path checks, the one error
 * shape, an access line per request — and the public listener never serves them.
 */
final class AdminRoutes {
    /** The admin API takes small JSON bodies only. */
    static final long MAX_BODY = 64 * 1024;
    /** Org-scoped endpoints: an operator (every org) or an org admin (their own; {@link AdminRole#scope} in the endpoint). */
    private static final RouteConfig.Require ANY_ADMIN = new RouteConfig.Require(null, List.of(AdminRole.OPERATOR_SCOPE, AdminRole.ADMIN_SCOPE), null, null);
    /** What acts on the whole gateway or every org: the platform operator's scope, never a tenant's {@code admin}. */
    private static final RouteConfig.Require OPERATOR = new RouteConfig.Require(List.of(AdminRole.OPERATOR_SCOPE), null, null, null);

    private AdminRoutes() {}

    /**
     * @param reload  {@code POST /admin/v1/reload} ({@link ConfigReload#endpoint})
     * @param running the config running now ({@link ConfigReload#running}), which the posture check judges
     */
    static Listener listener(Vertx vertx, BastionConfig config, Services services, List<ExchangeListener> recorders, LocalEndpoint reload,
                             java.util.function.Supplier<BastionConfig> running) {
        HealthEndpoints health = new HealthEndpoints(vertx, services.store, services.metrics);
        HealthStatus status = new HealthStatus(vertx, config, services);
        List<Authenticator> admins = new ArrayList<>(List.of(services.apiKeys, new BastionTokenAuthenticator(config.tokens().issuer(),
                services.signingKeys::published, services.tokenCache, List.of(config.tokens().audience()), services.clock)));
        List<Route> consoleRoutes = new ArrayList<>();
        // The console (docs/console.md): its session is one more admin credential, after keys and tokens, so a request
        // carrying Authorization is theirs and CSRF never applies to it.
        if (config.console().enabled()) admins.add(ConsoleRoutes.add(vertx, config, services, consoleRoutes));
        Table t = new Table(List.copyOf(admins), services);
        t.routes.addAll(consoleRoutes);
        t.open("admin.live", "/health/live", health.live());
        t.open("admin.ready", "/health/ready", health.ready(services.draining::get));
        t.open("admin.metrics", "/metrics", health.metrics());
        t.open("admin.status", "/health/status", status);
        t.open("admin.deployments", "/health/deployments", dev.bastion.failover.DeploymentHealthEndpoint.of(services.deploymentHealth));
        // The API's own description, open like health (OpenApiEndpoint says why); AdminOpenApiTest holds it to these routes.
        t.open("admin.openapi", OpenApiEndpoint.PATH, OpenApiEndpoint.of());

        AdminTiers tiers = AdminTiers.of(config.limits());
        AdminApi api = new AdminApi(vertx, services.store, services.revocationService, services.audit,
                new dev.bastion.dataprotect.SubjectRequests(services.store, () -> services.dataKeys, services.clock));
        KeysApi keys = new KeysApi(vertx, services.store, services.revocationService, services.audit, services.clock, tiers);
        ClientsApi clients = new ClientsApi(vertx, services.store, services.revocationService, services.audit, services.clock);
        OrgsApi orgs = new OrgsApi(vertx, services.store, services.audit, tiers);
        McpApprovalsApi approvals = new McpApprovalsApi(services.approvals, services.audit);
        IncidentApi incidents = new IncidentApi(vertx, services.incidents.incidents());
        McpPinsApi pins = new McpPinsApi(vertx, services.store.mcpPins(), services.audit,
                (route, tool) -> config.routes().stream().anyMatch(r -> r.id().equals(route) && r.mcp() != null && r.mcp().pinning().pins().containsKey(tool)),
                services.mcpPins::refreshRow, services.clock);
        AuditApi auditTrail = new AuditApi(vertx, services.store, services.audit);
        TokenKeysApi tokenKeys = new TokenKeysApi(vertx, services.store, services.signingKeys, services.audit, services.clock);
        ResponsesApi responses = new ResponsesApi(vertx, services.store, services.responses, services.audit, services.clock);

        //        id                            methods                  path                                   endpoint
        t.org("admin.whoami",                  "GET",                   "/admin/v1/whoami",                    WhoamiApi.endpoint());
        t.org("admin.orgs",                    "GET",                   "/admin/v1/orgs",                      orgs.list());
        t.operator("admin.orgs.create",        "POST",                  "/admin/v1/orgs",                      orgs.create());
        t.org("admin.org",                     "GET",                   "/admin/v1/orgs/{org}",                orgs.one());
        t.operator("admin.org.update",         "PATCH",                 "/admin/v1/orgs/{org}",                orgs.one());
        t.org("admin.tiers",                   "GET",                   "/admin/v1/tiers",                     new TiersApi(vertx, services.store, tiers).list());
        t.org("admin.keys",                    "GET,POST",              "/admin/v1/keys",                      keys.collection());
        t.org("admin.key",                     "GET,PATCH",             "/admin/v1/keys/{id}",                 keys.one());
        t.org("admin.key.revoke",              "POST",                  "/admin/v1/keys/{id}/revoke",          keys.revoke());
        t.org("admin.org.keys",                "GET",                   "/admin/v1/orgs/{org}/keys",           keys.ofOrg());
        t.org("admin.clients",                 "GET,POST",              "/admin/v1/clients",                   clients.collection());
        t.org("admin.client",                  "GET",                   "/admin/v1/clients/{id}",              clients.one());
        t.org("admin.client.disable",          "POST",                  "/admin/v1/clients/{id}/disable",      clients.disable());
        t.org("admin.org.clients",             "GET",                   "/admin/v1/orgs/{org}/clients",        clients.ofOrg());
        t.org("admin.users",                   "GET",                   "/admin/v1/users",                     new UsersApi(vertx, services.store, services.audit).list());
        t.org("admin.revocations",             "POST",                  "/admin/v1/revocations",               api.revocations());
        t.org("admin.data.user",               "GET,DELETE",            "/admin/v1/data/users/*",              api.dataUser());
        t.org("admin.data.org",                "GET",                   "/admin/v1/data/org",                  api.dataOrg());
        t.org("admin.mcp.approvals",           "GET",                   McpApprovalsApi.PATH,                  approvals.list());
        t.org("admin.mcp.approvals.decide",    "POST",                  McpApprovalsApi.PATH + "/*",           approvals.decide());
        t.operator("admin.incidents",          "GET,POST",              IncidentApi.PATH,                      incidents.collection());
        t.operator("admin.incident",           "DELETE",                IncidentApi.PATH + "/*",               incidents.one());
        t.operator("admin.mcp.pins",           "GET",                   "/admin/v1/mcp/pins",                  pins.list());
        t.operator("admin.mcp.approve",        "POST",                  "/admin/v1/mcp/pins/approve",          pins.decide(true));
        t.operator("admin.mcp.reject",         "POST",                  "/admin/v1/mcp/pins/reject",           pins.decide(false));
        t.org("admin.audit.events",            "GET",                   "/admin/v1/audit/events",              auditTrail.events());
        t.operator("admin.audit.verify",       "GET",                   "/admin/v1/audit/verify",              auditTrail.verify());
        t.operator("admin.posture",            "GET",                   "/admin/v1/posture",                   PostureApi.endpoint(vertx, running, services.clock));
        t.operator("admin.secrets",            "GET",                   "/admin/v1/secrets",                   SecretsApi.endpoint(vertx, running, services.secrets, services.clock));
        t.operator("admin.tokens.keys",        "GET",                   "/admin/v1/tokens/keys",               tokenKeys.list());
        t.operator("admin.tokens.rotate",      "POST",                  "/admin/v1/tokens/keys/rotate",        tokenKeys.rotate());
        t.operator("admin.tokens.withdraw",    "POST",                  "/admin/v1/tokens/keys/{kid}/withdraw", tokenKeys.withdraw());
        t.operator("admin.responses",          "GET",                   "/admin/v1/responses",                 responses.list());
        t.operator("admin.response.lift",      "DELETE",                "/admin/v1/responses/{id}",            responses.lift());
        t.operator("admin.reload",             "POST",                  "/admin/v1/reload",                    reload);
        // The console's numbers: traffic, usage and budgets, security events (org-scoped by AdminRole in the endpoints),
        // upstreams (operators).
        var stats = services.store.stats();
        TrafficApi traffic = new TrafficApi(vertx, stats, services.audit, services.clock);
        UsageApi usage = new UsageApi(vertx, stats, services.store.usage(), config.budgets().rules(), services.audit, services.clock);
        SecurityApi security = new SecurityApi(vertx, stats, services.audit, services.clock,
                services.waf == null ? java.util.Map.of() : services.waf.paranoiaLevels());
        UpstreamsApi upstreams = new UpstreamsApi(vertx, stats, running, services.deploymentHealth, services.clock);
        t.org("admin.stats.traffic",           "GET",                   TrafficApi.TRAFFIC,                    traffic.traffic());
        t.org("admin.stats.summary",           "GET",                   TrafficApi.SUMMARY,                    traffic.summary());
        t.org("admin.usage",                   "GET",                   UsageApi.USAGE,                        usage.usage());
        t.org("admin.budgets",                 "GET",                   UsageApi.BUDGETS,                      usage.budgets());
        t.org("admin.security.summary",        "GET",                   SecurityApi.PATH,                      security.summary());
        t.operator("admin.upstreams",          "GET",                   UpstreamsApi.PATH,                     upstreams.list());
        List<Control> edgeControls = new ArrayList<>(List.of(new FramingControl(), new PathControl()));
        Control perIp = services.limits.adminPerIp(config.listeners().admin().perIpRate());
        if (perIp != null) edgeControls.add(perIp); // after framing: a request that cannot be read is refused before it counts
        Chain edge = new Chain(edgeControls);
        return new Listener("admin", vertx, new ClientIpResolver(List.of()), false, new Steps(edge, null, services.metrics), new RouteTable(t.routes),
                config.edge().bodyTimeout().toMillis(), recorders, services.tracing);
    }

    /** The routes being assembled, and the two kinds of admin route: any admin (org-scoped in the endpoint) and operator only. */
    private static final class Table {
        final List<Route> routes = new ArrayList<>();
        final List<Authenticator> authenticators;
        final Services services;

        Table(List<Authenticator> authenticators, Services services) {
            this.authenticators = authenticators;
            this.services = services;
        }

        void open(String id, String path, LocalEndpoint endpoint) {
            routes.add(AdminRoutes.open(id, path, endpoint, services));
        }

        void org(String id, String methods, String path, LocalEndpoint endpoint) {
            routes.add(admin(id, List.of(methods.split(",")), path, endpoint, authenticators, services, ANY_ADMIN));
        }

        void operator(String id, String methods, String path, LocalEndpoint endpoint) {
            routes.add(admin(id, List.of(methods.split(",")), path, endpoint, authenticators, services, OPERATOR));
        }
    }

    /** Health, metrics and the API document: GET and HEAD, no credentials (the listener is loopback unless exposed on purpose). */
    private static Route open(String id, String path, LocalEndpoint endpoint, Services services) {
        Chain chain = new Chain(List.of(new RequestShapeControl(0, List.of())));
        return new Route(id, new RouteConfig.Match(List.of("GET", "HEAD"), path, null), Set.of("GET", "HEAD"), new Steps(chain, id, services.metrics),
                new Route.Local(endpoint), null, 0)
                .withOperation(path.equals("/metrics") ? "metrics" : path.startsWith("/admin/") ? "admin" : "health");
    }

    private static Route admin(String id, List<String> methods, String path, LocalEndpoint endpoint, List<Authenticator> authenticators, Services services,
                               RouteConfig.Require require) {
        List<Control> controls = List.of(new RequestShapeControl(MAX_BODY, methods.contains("POST") || methods.contains("PATCH") ? List.of("application/json") : List.of()),
                new AuthenticateControl(authenticators, services.revocations), new RequireControl(require));
        return new Route(id, new RouteConfig.Match(methods, path, null), Set.copyOf(methods), new Steps(new Chain(controls), id, services.metrics),
                new Route.Local(endpoint), null, MAX_BODY).withOperation("admin");
    }
}
