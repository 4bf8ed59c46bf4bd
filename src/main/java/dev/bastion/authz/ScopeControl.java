package dev.bastion.authz;

import dev.bastion.chain.Control;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.Stage;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Requires the authenticated caller to hold the route's scopes: all of {@code scopesAll} and, when
 * given, at least one of {@code scopesAny}. Scopes come from the verified credential only. Missing
 * scope → 403; no identity at all (which assembly should make impossible) → 401, never allow.
 */
public final class ScopeControl implements Control {
    private static final Verdict.Deny NO_IDENTITY = new Verdict.Deny(401, "credentials_missing", "This route requires credentials.");
    private static final Verdict.Deny MISSING_SCOPE = new Verdict.Deny(403, "scope_missing", "The credential lacks a scope this route requires.");

    private final Set<String> scopesAll;
    private final Set<String> scopesAny;

    public ScopeControl(List<String> scopesAll, List<String> scopesAny) {
        this.scopesAll = Set.copyOf(scopesAll);
        this.scopesAny = Set.copyOf(scopesAny);
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
        return Verdict.ALLOWED;
    }
}
