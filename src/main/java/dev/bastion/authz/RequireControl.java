package dev.bastion.authz;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import dev.bastion.config.RouteConfig;
import io.vertx.core.Future;
import java.util.Set;

/**
 * A route's {@code require} policy (Z1, Z3): all of {@code scopes_all}, one of {@code scopes_any}, one of
 * {@code roles}, and an org among {@code orgs} — each only when given. Scopes, roles and org come from the
 * verified credential, never from request headers. A failed condition is 403 with its own reason; no
 * identity at all (which assembly makes impossible) is 401, never an allow.
 */
public final class RequireControl implements Control {
    private static final Verdict.Deny NO_IDENTITY = new Verdict.Deny(401, "credentials_missing", "This route requires credentials.");
    private static final Verdict.Deny MISSING_SCOPE = new Verdict.Deny(403, "scope_missing", "The credential lacks a scope this route requires.");
    private static final Verdict.Deny MISSING_ROLE = new Verdict.Deny(403, "role_missing", "The caller lacks a role this route requires.");
    private static final Verdict.Deny WRONG_ORG = new Verdict.Deny(403, "org_not_allowed", "The caller's org may not use this route.");

    private final Set<String> scopesAll;
    private final Set<String> scopesAny;
    private final Set<String> roles;
    private final Set<String> orgs;

    public RequireControl(RouteConfig.Require require) {
        this.scopesAll = Set.copyOf(require.scopesAll());
        this.scopesAny = Set.copyOf(require.scopesAny());
        this.roles = Set.copyOf(require.roles());
        this.orgs = Set.copyOf(require.orgs());
    }

    /** The scopes a caller needs all of: what a description of the route states (the admin API's OpenAPI document). */
    public Set<String> scopesAll() {
        return scopesAll;
    }

    public Set<String> scopesAny() {
        return scopesAny;
    }

    @Override
    public Stage stage() {
        return Stage.AUTHORIZE;
    }

    @Override
    public String name() {
        return "authorize";
    }

    @Override
    public Future<Verdict> check(Exchange exchange) {
        Identity id = exchange.identity();
        if (id == null) return NO_IDENTITY.future();
        if (!id.scopes().containsAll(scopesAll)) return MISSING_SCOPE.future();
        if (!scopesAny.isEmpty() && scopesAny.stream().noneMatch(id.scopes()::contains)) return MISSING_SCOPE.future();
        if (!roles.isEmpty() && roles.stream().noneMatch(id.roles()::contains)) return MISSING_ROLE.future();
        if (!orgs.isEmpty() && !orgs.contains(id.orgId())) return WRONG_ORG.future();
        return Verdict.ALLOWED;
    }
}
