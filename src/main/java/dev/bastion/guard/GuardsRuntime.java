package dev.bastion.guard;

import dev.bastion.chain.Control;
import dev.bastion.chain.Identity;
import dev.bastion.config.ClassifierConfig;
import dev.bastion.config.ConfigException;
import dev.bastion.config.GuardConfig;
import dev.bastion.config.GuardPolicy;
import dev.bastion.config.RouteConfig;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.llm.TokenCounter;
import dev.bastion.observe.AuditLog;
import dev.bastion.secrets.Secret;
import dev.bastion.secrets.SecretResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The guardrail policies of one gateway, built once at start, and the control for each guarded route. */
public final class GuardsRuntime {
    private final Map<String, Guard> guards;
    private final Map<String, String> orgs;
    private final AuditLog audit;
    private final GuardDecisions.Meters meters;
    private final TokenCounter counter = new TokenCounter();

    private GuardsRuntime(Map<String, Guard> guards, Map<String, String> orgs, AuditLog audit, GuardDecisions.Meters meters) {
        this.guards = guards;
        this.orgs = orgs;
        this.audit = audit;
        this.meters = meters;
    }

    /**
     * The policies, with their classifiers connected.
     *
     * @throws SecretResolver.SecretException when a classifier's api_key cannot be resolved
     */
    public static GuardsRuntime create(Vertx vertx, OutboundConnector connector, GuardConfig config, SecretResolver secrets, AuditLog audit, MeterRegistry registry) {
        Map<String, Guard> guards = build(config);
        for (var e : guards.entrySet()) {
            ClassifierConfig c = e.getValue().policy().classifier();
            if (c == null) continue;
            Secret key = c.apiKey() == null ? null : secrets.resolve(c.apiKey(), "guard.policies." + e.getKey() + ".classifier.api_key");
            HttpClassifier classifier = new HttpClassifier(vertx, connector, c, key);
            e.setValue(e.getValue().withClassifier(classifier));
        }
        return new GuardsRuntime(guards, config.orgs(), audit, new GuardDecisions.Meters(registry));
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
        return new GuardControl(route.id(), route.llm().normalised(), identity -> policyFor(identity, routeGuard),
                new GuardDecisions(audit, meters, route.id(), guards.values().stream().anyMatch(g -> g.classifier() != null)), counter);
    }

    /**
     * The models the caller may name on the route (the model allow-list of the policy that applies to its
     * org, G5), or null when any model is allowed.
     */
    public java.util.List<String> allowedModels(RouteConfig route, Identity identity) {
        if (route.llm() == null || GuardConfig.OFF.equals(route.guard())) return null;
        Guard guard = policyFor(identity, guards.get(route.guard()));
        return guard == null ? null : guard.policy().models();
    }

    /**
     * The guard for {@code identity} under the named policy (the org's own policy wins, as on LLM routes), or null for
     * {@code off}: what an MCP route's guardrails on tool traffic run.
     */
    public Guard guardFor(String policy, Identity identity) {
        if (GuardConfig.OFF.equals(policy)) return null;
        return policyFor(identity, guards.get(policy));
    }

    private Guard policyFor(Identity identity, Guard routeGuard) {
        String own = identity == null ? null : orgs.get(identity.orgId());
        return own != null ? guards.get(own) : routeGuard;
    }
}
