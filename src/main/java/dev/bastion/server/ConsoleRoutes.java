package dev.bastion.server;

import dev.bastion.authn.AuthenticateControl;
import dev.bastion.authn.Authenticator;
import dev.bastion.authz.RequireControl;
import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.RouteConfig;
import dev.bastion.console.ConsoleAssets;
import dev.bastion.console.ConsoleEndpoints;
import dev.bastion.console.ConsoleSessions;
import dev.bastion.console.SessionAuthenticator;
import dev.bastion.edge.PageHeadersControl;
import dev.bastion.edge.RequestShapeControl;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The console's routes on the admin listener (issue 21): its pages and scripts (GET/HEAD, no credential), the session
 * answer, logout and the bootstrap login. Every one starts with {@link PageHeadersControl}, so refusals carry the
 * console's CSP too. Returns the session authenticator, which {@link AdminRoutes} adds to every admin API route.
 */
final class ConsoleRoutes {
    private static final RouteConfig.Require ADMIN_SCOPE = new RouteConfig.Require(List.of("admin"), null, null, null);

    private ConsoleRoutes() {}

    static Authenticator add(Vertx vertx, BastionConfig config, Services services, List<Route> routes) {
        Supplier<String> origin = () -> config.console().origin(config.listeners().admin(), services.adminPort.get());
        ConsoleSessions sessions = new ConsoleSessions(services.store.console(), config.console().session(), services.clock);
        SessionAuthenticator authenticator = new SessionAuthenticator(vertx, sessions, origin);
        ConsoleEndpoints endpoints = new ConsoleEndpoints(vertx, sessions, services.store.console(), services.store.users(), services.audit, services.clock, origin);
        LocalEndpoint assets = new ConsoleAssets().endpoint();
        routes.add(route("console.root", List.of("GET", "HEAD"), "/console", assets, List.of(), services));
        routes.add(route("console.assets", List.of("GET", "HEAD"), ConsoleAssets.PREFIX + "*", assets, List.of(), services));
        // GET is the page of the link (its script reads the fragment), POST the login it makes.
        LocalEndpoint bootstrap = endpoints.bootstrap();
        routes.add(route("console.bootstrap", List.of("GET", "HEAD", "POST"), "/console/bootstrap",
                ex -> ex.method() == io.vertx.core.http.HttpMethod.POST ? bootstrap.handle(ex) : assets.handle(ex), List.of(), services));
        if (config.console().oidc() != null) {
            dev.bastion.config.ConsoleConfig.Oidc oidc = config.console().oidc();
            dev.bastion.console.OidcLogin login = new dev.bastion.console.OidcLogin(vertx, oidc,
                    () -> services.secrets.resolve(oidc.clientSecret(), "console.oidc.client_secret").reveal(), services.connector, sessions,
                    services.store.console(), services.store.users(), services.store.orgs(), services.audit, services.clock, origin);
            routes.add(route("console.login", List.of("GET"), "/console/login", login.start(), List.of(), services));
            routes.add(route("console.callback", List.of("GET"), "/console/callback", login.callback(), List.of(), services));
        }
        List<Control> session = List.of(new AuthenticateControl(List.of(authenticator), services.revocations), new RequireControl(ADMIN_SCOPE));
        routes.add(route("console.session", List.of("GET"), "/console/session", endpoints.session(), session, services));
        routes.add(route("console.logout", List.of("POST"), "/console/logout", endpoints.logout(), session, services));
        return authenticator;
    }

    private static Route route(String id, List<String> methods, String path, LocalEndpoint endpoint, List<Control> then, Services services) {
        List<Control> controls = new ArrayList<>(List.of(new PageHeadersControl(),
                new RequestShapeControl(AdminRoutes.MAX_BODY, methods.contains("POST") ? List.of("application/json") : List.of())));
        controls.addAll(then);
        return new Route(id, new RouteConfig.Match(methods, path, null), Set.copyOf(methods), new Steps(new Chain(controls), id, services.metrics),
                new Route.Local(endpoint), null, AdminRoutes.MAX_BODY).withOperation("console");
    }
}
