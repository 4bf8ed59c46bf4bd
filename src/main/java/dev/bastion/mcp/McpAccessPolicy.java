package dev.bastion.mcp;

import dev.bastion.chain.Identity;
import dev.bastion.config.McpConfig;
import dev.bastion.config.RouteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who may see and call which tool, resource and prompt of a route ({@code mcp.access}): the first rule whose pattern
 * fits the item decides, by the caller's scopes, roles and org (a route's {@code require} vocabulary); an item no rule
 * fits gets the route's {@code default}. One function answers lists and calls ({@link #refusal}); a rule's
 * {@code scopes_all} also joins the call's one {@code insufficient_scope} challenge, so a client steps up once.
 */
public final class McpAccessPolicy implements McpPolicy {
    static final String DENIED = "mcp_access_denied";
    private static final McpDecision.Refuse REFUSED = new McpDecision.Refuse(403, DENIED, "The caller may not use this item.");

    private record Rule(String match, RouteConfig.Require require, boolean deny) {}

    private final List<Rule> tools;
    private final List<Rule> resources;
    private final List<Rule> prompts;
    private final boolean denyByDefault;

    public McpAccessPolicy(McpConfig.Access access) {
        this.tools = compile(access.tools());
        this.resources = compile(access.resources());
        this.prompts = compile(access.prompts());
        this.denyByDefault = access.defaultDecision() == McpConfig.Decision.DENY;
    }

    @Override
    public McpDecision.Refuse refusal(Identity caller, McpItem item) {
        Rule rule = rule(item);
        if (rule == null) return denyByDefault ? REFUSED : null;
        if (rule.deny() || caller == null) return REFUSED;
        RouteConfig.Require r = rule.require();
        Set<String> scopes = caller.scopes();
        boolean met = scopes.containsAll(r.scopesAll())
                && (r.scopesAny().isEmpty() || r.scopesAny().stream().anyMatch(scopes::contains))
                && (r.roles().isEmpty() || r.roles().stream().anyMatch(caller.roles()::contains))
                && (r.orgs().isEmpty() || r.orgs().contains(caller.orgId()));
        return met ? null : REFUSED;
    }

    @Override
    public Set<String> scopes(McpItem item) {
        Rule rule = rule(item);
        return rule == null || rule.deny() ? Set.of() : Set.copyOf(rule.require().scopesAll());
    }

    /** The rule that decides an item: tools and prompts by the name clients see, resources and templates by URI. */
    private Rule rule(McpItem item) {
        List<Rule> rules = switch (item.kind()) {
            case TOOL -> tools;
            case PROMPT -> prompts;
            case RESOURCE, RESOURCE_TEMPLATE -> resources;
        };
        String name = item.kind() == McpItem.Kind.RESOURCE || item.kind() == McpItem.Kind.RESOURCE_TEMPLATE ? item.name() : item.exposed();
        if (name == null) return null;
        for (Rule r : rules) {
            if (McpConfig.matches(r.match(), name)) return r;
        }
        return null;
    }

    private static List<Rule> compile(List<McpConfig.Rule> rules) {
        List<Rule> out = new ArrayList<>(rules.size());
        for (McpConfig.Rule r : rules) out.add(new Rule(r.match(), r.require(), r.decision() == McpConfig.Decision.DENY));
        return List.copyOf(out);
    }
}
