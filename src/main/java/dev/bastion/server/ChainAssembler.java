package dev.bastion.server;

import dev.bastion.authn.AuthenticateControl;
import dev.bastion.authn.Authenticator;
import dev.bastion.authn.BastionTokenAuthenticator;
import dev.bastion.authn.JwtAuthenticator;
import dev.bastion.authz.RequireControl;
import dev.bastion.chain.Chain;
import dev.bastion.chain.Control;
import dev.bastion.config.RouteConfig;
import dev.bastion.edge.RequestShapeControl;
import dev.bastion.frontdoor.AnthropicFrontDoor;
import dev.bastion.mcp.McpAudienceControl;
import dev.bastion.mcp.McpChallenge;
import dev.bastion.mcp.McpPolicy;
import dev.bastion.mcp.McpPolicyControl;
import dev.bastion.mcp.McpTransportControl;
import dev.bastion.models.ModelCatalogue;
import dev.bastion.models.ModelControl;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds each route's controls from its config, once, in stage order. The switch over auth methods
 * is exhaustive without a default, so a new method in config does not compile until it has a control.
 * Deny by default: a non-public route always gets an authenticate control.
 */
final class ChainAssembler {
    private final Services services;
    private final ModelCatalogue catalogue;
    private final dev.bastion.contract.Contracts contracts;
    private final java.util.Map<String, McpPolicy> mcpPolicies = new java.util.HashMap<>();

    ChainAssembler(Services services, ModelCatalogue catalogue) {
        this(services, catalogue, services.contracts);
    }

    /** @param contracts the routes' compiled schemas: the start's, or those a reload compiled from its routes */
    ChainAssembler(Services services, ModelCatalogue catalogue, dev.bastion.contract.Contracts contracts) {
        this.services = services;
        this.catalogue = catalogue;
        this.contracts = contracts;
    }

    /** The route's chain; {@code maxBodyBytes} is the cap its shape check and body read enforce. */
    Chain assemble(RouteConfig route, long maxBodyBytes) {
        List<Control> controls = new ArrayList<>();
        // Bastion's own endpoints (token, JWKS, metadata) stay out of the switches: upstreams verify identities with the JWKS
        // during a lockdown too, and a token is refused where it is used. Everything else can be switched off (R2).
        boolean switchable = !route.id().startsWith("bastion.");
        if (switchable) controls.add(new dev.bastion.incident.DisabledRouteControl(services.incidents.active(), route.id())); // a disabled route runs nothing, not even authentication
        controls.add(new RequestShapeControl(maxBodyBytes, route.contentTypes()));
        Control perIp = services.limits.perIp();
        if (perIp != null) controls.add(perIp);
        McpChallenge mcpChallenge = route.mcp() == null ? null : new McpChallenge(route.mcp(), route.require().scopesAll());
        RouteConfig.Require require = route.require();
        if (!route.publicRoute()) {
            if (mcpChallenge == null) {
                controls.add(new AuthenticateControl(authenticators(route), services.revocations));
            } else {
                // An MCP route's 401 names its protected-resource metadata, and every JWT must be bound to its resource.
                controls.add(new AuthenticateControl(authenticators(route), services.revocations, mcpChallenge::unauthorized));
                controls.add(new McpAudienceControl(route.mcp(), mcpChallenge));
                // Its scopes are checked with the message, so a 403 names every scope the operation needs in one challenge.
                require = new RouteConfig.Require(null, require.scopesAny(), require.roles(), require.orgs());
            }
            // a key an automatic response suspended (O4)
            if (services.responses.suspendsKeys()) controls.add(new dev.bastion.authz.SuspendedKeyControl(services.responses.active()));
            if (!require.isEmpty()) controls.add(new RequireControl(require));
            if (!route.bind().isEmpty()) controls.add(tenant(route));
        }
        // Blocked keys, suspended orgs, lockdown (R2); on a public route too, where only a lockdown can refuse (nobody is admitted).
        if (switchable) controls.add(new dev.bastion.incident.CallerSwitchControl(services.incidents.active()));
        // After authentication: a caller that authenticated as a machine is never scored; before the limits, so a
        // blocked bot spends no one's quota.
        Control bots = services.bots.forRoute(route);
        if (bots != null) controls.add(bots);
        if (route.mcp() != null) {
            // Before the limits, so a per-tool limit (later) reads a message whose headers and body agree.
            controls.add(new McpTransportControl(route.mcp()));
            controls.add(new McpPolicyControl(route.mcp(), mcpPolicy(route), route.require().scopesAll(), mcpChallenge));
        }
        controls.addAll(services.limits.forRoute(route));
        // Idempotency before the budget: a replay is answered without reserving anything.
        Control idempotency = services.idempotency.forRoute(route);
        if (idempotency != null) controls.add(idempotency);
        // A front door translates before the model step (whose failover mark then holds the normalised body), after
        // idempotency (whose capture then stores the answer as the client got it).
        if (route.llm() == RouteConfig.LlmApi.MESSAGES) controls.add(new AnthropicFrontDoor());
        // The model before the budget: an unknown model is refused before anything is reserved for it.
        if (route.routesByModel()) {
            // A disabled model (R2) is refused as asked for, and again as chosen: a failover re-enters at the model step.
            Control disabledModel = new dev.bastion.incident.DisabledModelControl(services.incidents.active());
            controls.add(disabledModel);
            controls.add(new ModelControl(catalogue, route.llm(), route.failover(), services.config.breakers().openFor(), services.limits::tierOf));
            controls.add(disabledModel);
        }
        Control budget = services.budgets.forRoute(route);
        if (budget != null) controls.add(budget);
        if (route.llm() == RouteConfig.LlmApi.RESPONSES && !route.storedResponses()) controls.add(new dev.bastion.storedresponses.StoredResponsesControl());
        if (route.endUserIds() == RouteConfig.EndUserIdMode.DERIVED) controls.add(new dev.bastion.enduser.EndUserControl(services.endUserIds, route.llm().normalised()));
        // URLs the model server would fetch, on every chat route (a front door's included, translated by now).
        if (services.mediaUrls != null && route.llm() != null && (route.llm().normalised() == RouteConfig.LlmApi.CHAT || route.llm() == RouteConfig.LlmApi.RESPONSES)) {
            controls.add(services.mediaUrls);
        }
        if (services.waf != null && route.waf().enabled()) {
            controls.add(new dev.bastion.waf.WafControl(services.waf, services.config.waf().rules(), route.id(), route.waf(), route.llm() == null ? null : route.llm().normalised(),
                    route.graphql() != null, services.wafBlocked, services.wafMeters));
        }
        // After authentication and the limits: a caller who is not let in never makes Bastion parse a document.
        if (route.graphql() != null) controls.add(new dev.bastion.graphql.GraphqlControl(route.graphql(), services.config.prod()));
        // The contract after the WAF (which reads the raw bytes) and before the guard: a request that is not what the
        // route accepts is refused before a classifier is paid for it.
        Control contract = contracts.control(route.id(), services.metrics.registry());
        if (contract != null) controls.add(contract);
        Control guard = services.guards.forRoute(route);
        if (guard != null) controls.add(guard);
        return new Chain(controls); // validates stage order
    }

    /**
     * The policy an MCP route's controls and its way to the servers share: one per route, so what a list shows and
     * what a call may do come from the same instance.
     */
    McpPolicy mcpPolicy(RouteConfig route) {
        return mcpPolicies.computeIfAbsent(route.id(), id -> dev.bastion.mcp.McpPolicies.of(mcpPolicyList(route)));
    }

    /**
     * A route's MCP policies in the order a call meets them: who may call what (authorization, then pinned
     * definitions), what the call says (guardrails on arguments), how often (quotas), and last a human's approval,
     * so nobody is asked about a call that would have been refused anyway. Results pass the same policies' inspectors.
     */
    private java.util.List<McpPolicy> mcpPolicyList(RouteConfig route) {
        java.util.List<McpPolicy> list = new java.util.ArrayList<>();
        dev.bastion.config.McpConfig mcp = route.mcp();
        if (mcp.access().restricts()) list.add(new dev.bastion.mcp.McpAccessPolicy(mcp.access()));
        if (mcp.pinning().mode() != dev.bastion.config.McpConfig.PinMode.OFF) {
            list.add(new dev.bastion.mcp.McpPinPolicy(route.id(), mcp.pinning(), services.mcpPins));
        }
        if (!mcp.guard().off()) {
            if (mcp.guard().arguments()) list.add(new dev.bastion.mcpguard.McpArgumentGuard(route.id(), mcp.guard().policy(), services.guards::guardFor, services.audit));
            if (mcp.guard().results()) list.add(new dev.bastion.mcpguard.McpResultGuard(route.id(), mcp.guard().policy(), services.guards::guardFor, services.audit));
        }
        if (!mcp.limits().isEmpty()) list.add(new dev.bastion.mcplimit.McpToolLimits(route.id(), mcp.limits(), services.limits.toolCalls()));
        dev.bastion.budget.ToolCallBudgets budgets = services.budgets.toolCalls(route);
        if (budgets != null) list.add(new dev.bastion.mcplimit.McpToolBudget(budgets));
        if (mcp.approval() != null) list.add(new dev.bastion.approval.McpApproval(route.id(), mcp.approval(), services.approvals));
        return list;
    }

    /** The route's tenant binding (Z2); GraphQL arguments are read with the route's own parser bounds. */
    private Control tenant(RouteConfig route) {
        dev.bastion.tenant.GraphqlArgumentReader reader = null;
        if (route.graphql() != null) {
            dev.bastion.graphql.GraphqlArguments args = new dev.bastion.graphql.GraphqlArguments(
                    new dev.bastion.graphql.GraphqlLimits(route.graphql(), services.config.prod()));
            reader = (ex, name) -> args.values(ex.method().name(), ex.headers().get("Content-Type"), ex.body() == null ? null : ex.body().getBytes(),
                    ex.rawQuery(), name);
        }
        return new dev.bastion.tenant.TenantControl(route.id(), route.match().path(), route.bind(), reader, services.audit, services.metrics.registry());
    }

    /** A route's authenticators; on an MCP route, Bastion's tokens must name its resource unless {@code auth.audiences} says otherwise. */
    private List<Authenticator> authenticators(RouteConfig route) {
        RouteConfig.Auth auth = route.auth();
        if (route.mcp() != null && auth.audiences().isEmpty() && auth.methods().contains(RouteConfig.AuthMethod.BASTION_TOKEN)) {
            auth = new RouteConfig.Auth(auth.methods(), auth.issuers(), List.of(route.mcp().resource().toString()));
        }
        return authenticators(auth);
    }

    List<Authenticator> authenticators(RouteConfig.Auth auth) {
        List<Authenticator> out = new ArrayList<>();
        for (RouteConfig.AuthMethod m : auth.methods()) {
            out.add(switch (m) {
                case API_KEY -> services.apiKeys;
                case JWT -> new JwtAuthenticator(services.idp, services.users, services.tokenCache, services.config.tokens().issuer(), auth.issuers());
                case BASTION_TOKEN -> new BastionTokenAuthenticator(services.config.tokens().issuer(), services.signingKeys::published,
                        services.tokenCache, auth.audiences().isEmpty() ? List.of(services.config.tokens().audience()) : auth.audiences(),
                        services.clock);
                case MTLS -> new dev.bastion.authn.ClientCertAuthenticator(services.config.listeners().publicListener().tls().clientIdentities());
            });
        }
        return out;
    }
}
