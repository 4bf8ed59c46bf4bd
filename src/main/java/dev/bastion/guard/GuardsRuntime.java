package dev.bastion.guard;

import dev.bastion.chain.Control;
import dev.bastion.chain.Identity;
import dev.bastion.config.ConfigException;
import dev.bastion.config.GuardConfig;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.RouteConfig;
import dev.bastion.llm.TokenCounter;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The guardrail policies of one gateway, built once at start, and the control for each guarded route. */
public final class GuardsRuntime {
    private final Map<String, Guard> guards;
    private final Map<String, String> orgs;
    private final GuardDecisions decisions;
    private final TokenCounter counter = new TokenCounter();

    private GuardsRuntime(Map<String, Guard> guards, Map<String, String> orgs, GuardDecisions decisions) {
        this.guards = guards;
        this.orgs = orgs;
        this.decisions = decisions;
    }

    public static GuardsRuntime create(GuardConfig config, AuditLog audit, MeterRegistry registry) {
        return new GuardsRuntime(build(config), config.orgs(), new GuardDecisions(audit, registry));
    }

    /** Every policy, checked: unknown entity types and invalid patterns are config errors with their path. */
    public static Map<String, Guard> build(GuardConfig config) {
        Map<String, Guard> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (var e : config.policies().entrySet()) {
            String at = "guard.policies." + e.getKey();
            GuardPolicy p = e.getValue();
            try {
                out.put(e.getKey(), Guard.of(p));
            } catch (IllegalArgumentException ex) {
                problems.add(at + "." + ex.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return out;
    }

    /** The route's guardrail control, or null when it has none ({@code guard: off}, or not an LLM route). */
    public Control forRoute(RouteConfig route) {
        if (route.llm() == null || GuardConfig.OFF.equals(route.guard())) return null;
        Guard routeGuard = guards.get(route.guard());
        return new GuardControl(route.id(), route.llm(), identity -> policyFor(identity, routeGuard), decisions, counter);
    }

    private Guard policyFor(Identity identity, Guard routeGuard) {
        String own = identity == null ? null : orgs.get(identity.orgId());
        return own != null ? guards.get(own) : routeGuard;
    }
}
