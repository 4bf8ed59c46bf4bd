package dev.bastion.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks that need the whole config: references between sections, clashes, and prod-only rules. */
final class ConfigValidator {
    private ConfigValidator() {}

    static List<String> validate(BastionConfig c) {
        List<String> problems = new ArrayList<>();
        if (c.routes().isEmpty()) problems.add("routes: none declared (Bastion only forwards what a route allows)");
        // A misspelt place would silently leave its secret on the default maximum age.
        Map<String, SecretRef> places = SecretPlaces.of(c);
        for (String place : c.secrets().refs().keySet()) {
            if (!places.containsKey(place)) problems.add("secrets.refs: '" + place + "' is not a secret reference of this config (references: "
                    + (places.isEmpty() ? "none" : String.join(", ", places.keySet())) + ")");
        }
        for (Map.Entry<String, SecretRef> e : places.entrySet()) {
            SecretRef ref = e.getValue();
            String place = e.getKey();
            if (ref.kind() == SecretRef.Kind.VAULT && c.secrets().vault() == null) problems.add(place + ": a vault: reference needs secrets.vault (address, auth)");
            if (ref.kind() == SecretRef.Kind.AWS_SM && c.secrets().aws() == null) problems.add(place + ": an aws-sm: reference needs secrets.aws (region)");
            // Per-org keys are read per request for the caller's org: only a provider key is sent per request.
            if (ref.templated() && !place.matches("upstreams\\.[^.]+\\.api_keys?(\\[\\d+])?")) {
                problems.add(place + ": {org} and {env} may only be used in an upstream's api_key or api_keys");
            }
            // The store is opened before the secret stores' clients exist (they need the gateway's connector).
            if (ref.kind().remote() && place.equals("store.password")) problems.add(place + ": must be an env: or file: reference (the store is opened before Vault or Secrets Manager can be read)");
        }

        Map<String, Integer> ids = new HashMap<>();
        Map<String, String> patterns = new HashMap<>();
        Map<String, String> resources = new HashMap<>();
        for (int i = 0; i < c.routes().size(); i++) {
            RouteConfig r = c.routes().get(i);
            String at = "routes[" + i + "]";
            Integer prev = ids.putIfAbsent(r.id(), i);
            if (prev != null) problems.add(at + ".id: '" + r.id() + "' is already used by routes[" + prev + "]");
            if (r.routesByModel()) {
                if (c.models().isEmpty()) problems.add(at + ".upstream: missing, and there is no models catalogue to route by model");
                for (String f : r.failover().fallbacks()) {
                    if (!c.models().containsKey(f)) problems.add(at + ".failover.fallbacks: unknown model '" + f + "'");
                    else if (r.llm() == RouteConfig.LlmApi.EMBEDDINGS && !embeds(c.models().get(f))) {
                        problems.add(at + ".failover.fallbacks: model '" + f + "' is served only by providers without an embeddings API (anthropic)");
                    }
                }
                if (r.llm() == RouteConfig.LlmApi.EMBEDDINGS && !c.models().isEmpty() && c.models().values().stream().noneMatch(ConfigValidator::embeds)) {
                    problems.add(at + ".llm: embeddings, and every model of the catalogue is served only by providers without an embeddings API (anthropic)");
                }
            } else if (r.fetch() != null) {
                // a fetch route's destination is its caller's URL, held to its own lists; no upstream to check
            } else if (r.mcp() != null) {
                mcp(c, r.mcp(), at, resources, problems);
            } else if (!c.upstreams().containsKey(r.upstream())) {
                problems.add(at + ".upstream: unknown upstream '" + r.upstream() + "' (declared: "
                        + (c.upstreams().isEmpty() ? "none" : String.join(", ", c.upstreams().keySet())) + ")");
            } else if (c.upstreams().get(r.upstream()).deploymentAuth()) {
                // Its requests are signed or given a token by a deployment; a route's would go out with no credential.
                problems.add(at + ".upstream: '" + r.upstream() + "' authenticates per model deployment (aws_credentials or google_service_account_key); "
                        + "route by model (llm: chat or embeddings without upstream) to use it");
            }
            for (String m : r.match().methods()) {
                // /orgs/{org} and /orgs/{id} match the same requests: segment names do not tell routes apart
                String key = m + " " + (r.match().host() == null ? "*" : r.match().host()) + " " + r.match().path().replaceAll("\\{[^/}]*}", "{}");
                String other = patterns.putIfAbsent(key, at);
                if (other != null) problems.add(at + ".match: " + m + " " + r.match().path() + " is already matched by " + other);
            }
            if (r.cors() != null && r.cors().wildcard() && c.prod()) {
                problems.add(at + ".cors.origins: '*' is refused when environment is prod (list the origins)");
            }
            if (r.maxBodyBytes() != null && r.maxBodyBytes().bytes() > c.edge().maxBodyBytes().bytes()) {
                problems.add(at + ".max_body_bytes: " + r.maxBodyBytes().bytes() + " is above edge.max_body_bytes (" + c.edge().maxBodyBytes().bytes() + ")");
            }
            if (r.stripPrefix() != null && !r.match().path().startsWith(r.stripPrefix() + "/") && !r.match().path().equals(r.stripPrefix())) {
                problems.add(at + ".strip_prefix: '" + r.stripPrefix() + "' is not a prefix of match.path '" + r.match().path() + "'");
            }
        }
        c.models().forEach((name, model) -> {
            for (String f : model.fallbacks()) {
                if (f.equals(name)) problems.add("models." + name + ".fallbacks: a model cannot fall back to itself");
                else if (!c.models().containsKey(f)) problems.add("models." + name + ".fallbacks: unknown model '" + f + "'");
            }
            for (String t : model.tiers()) {
                if (!c.limits().tiers().containsKey(t)) {
                    problems.add("models." + name + ".tiers: unknown tier '" + t + "' (declared in limits.tiers: "
                            + (c.limits().tiers().isEmpty() ? "none" : String.join(", ", c.limits().tiers().keySet())) + ")");
                }
            }
            for (int i = 0; i < model.deployments().size(); i++) {
                String up = model.deployments().get(i).upstream();
                if (!c.upstreams().containsKey(up)) {
                    problems.add("models." + name + ".deployments[" + i + "].upstream: unknown upstream '" + up + "' (declared: "
                            + (c.upstreams().isEmpty() ? "none" : String.join(", ", c.upstreams().keySet())) + ")");
                } else {
                    String problem = ProviderCredentials.check(model.deployments().get(i), up, c.upstreams().get(up));
                    if (problem != null) problems.add("models." + name + ".deployments[" + i + "]." + problem);
                }
            }
        });
        Map<String, Integer> issuerNames = new HashMap<>();
        Map<String, Integer> issuerUrls = new HashMap<>();
        for (int i = 0; i < c.identity().issuers().size(); i++) {
            IssuerConfig is = c.identity().issuers().get(i);
            Integer prev = issuerNames.putIfAbsent(is.name(), i);
            if (prev != null) problems.add("identity.issuers[" + i + "].name: '" + is.name() + "' is already used by identity.issuers[" + prev + "]");
            Integer prevIss = issuerUrls.putIfAbsent(is.issuer(), i);
            if (prevIss != null) problems.add("identity.issuers[" + i + "].issuer: '" + is.issuer() + "' is already declared by identity.issuers[" + prevIss + "]");
            if (is.issuer().equals(c.tokens().issuer())) problems.add("identity.issuers[" + i + "].issuer: is Bastion's own tokens.issuer");
        }
        for (int i = 0; i < c.routes().size(); i++) {
            RouteConfig r = c.routes().get(i);
            String at = "routes[" + i + "]";
            if (r.auth() == null) continue;
            if (r.auth().methods().contains(RouteConfig.AuthMethod.JWT) && c.identity().issuers().isEmpty()) {
                problems.add(at + ".auth.methods: jwt needs at least one entry under identity.issuers");
            }
            if (r.auth().methods().contains(RouteConfig.AuthMethod.MTLS)) {
                TlsConfig tls = c.listeners().publicListener().tls();
                if (tls == null || !tls.clientCertificates() || tls.clientIdentities().isEmpty()) {
                    problems.add(at + ".auth.methods: mtls needs listeners.public.tls with client_auth (request or required) and client_identities");
                }
            }
            for (String name : r.auth().issuers()) {
                if (!issuerNames.containsKey(name)) {
                    problems.add(at + ".auth.issuers: unknown issuer '" + name + "' (declared: "
                            + (issuerNames.isEmpty() ? "none" : String.join(", ", issuerNames.keySet())) + ")");
                }
            }
            for (String aud : r.auth().audiences()) {
                if (!c.tokens().audiences().contains(aud)) problems.add(at + ".auth.audiences: '" + aud + "' is not in tokens.audiences");
            }
            if (r.mcp() != null && r.auth().audiences().isEmpty() && r.auth().methods().contains(RouteConfig.AuthMethod.BASTION_TOKEN)
                    && !c.tokens().audiences().contains(r.mcp().resource().toString())) {
                // Bastion's tokens for an MCP route name its resource; one Bastion may not issue could never be accepted.
                problems.add(at + ".mcp.resource: '" + r.mcp().resource() + "' is not in tokens.audiences (bastion_token on an MCP route needs tokens for its resource)");
            }
            if (r.forwardUserToken() && r.routesByModel()) {
                problems.add(at + ".forward_user_token: the route sends to model providers; end-user tokens are never sent to them");
            }
            UpstreamConfig up = r.upstream() == null ? null : c.upstreams().get(r.upstream());
            if (r.forwardUserToken() && up != null && up.kind() == UpstreamConfig.Kind.AI) {
                problems.add(at + ".forward_user_token: upstream '" + r.upstream() + "' is kind ai; end-user tokens are never sent to model providers");
            }
            if (r.forwardUserToken() && up != null && up.apiKey() != null && up.apiKeyHeader() == UpstreamConfig.ApiKeyHeader.AUTHORIZATION) {
                problems.add(at + ".forward_user_token: upstream '" + r.upstream() + "' already receives its own key in Authorization");
            }
        }
        for (int i = 0; i < c.routes().size(); i++) {
            String p = c.routes().get(i).match().path();
            for (int j = 0; j < c.routes().size(); j++) {
                McpConfig mcp = c.routes().get(j).mcp();
                if (mcp != null && p.equals(mcp.metadataPath())) {
                    problems.add("routes[" + i + "].match.path: '" + p + "' is the protected-resource metadata of routes[" + j + "] (an MCP route)");
                }
            }
            if (p.equals("/.well-known/jwks.json") || "/.well-known/*".equals(p)) {
                problems.add("routes[" + i + "].match.path: '" + p + "' is Bastion's own JWKS (upstreams verify X-Bastion-Identity with it)");
            }
            if (c.tokens().endpoint().enabled() && (p.equals("/oauth2/token") || "/oauth2/*".equals(p))) {
                problems.add("routes[" + i + "].match.path: '" + p + "' is served by Bastion's token endpoint (set tokens.endpoint.enabled: false to route it)");
            }
        }
        if (c.limits().backend() == LimitsConfig.Backend.REDIS && c.redis() == null) {
            problems.add("limits.backend: redis needs redis.url");
        }
        for (int i = 0; i < c.routes().size(); i++) {
            RouteConfig r = c.routes().get(i);
            String at = "routes[" + i + "]";
            List<RouteConfig.Limit> all = new java.util.ArrayList<>(r.limits());
            all.addAll(r.mutations());
            for (RouteConfig.Limit l : all) {
                String problem = inert(l.per(), r);
                if (problem != null) problems.add(at + ".limits: per " + l.per().key + " " + problem);
            }
            // Limits are counted by name: two different limits under one name would share a counter.
            Map<String, RouteConfig.Limit> named = new HashMap<>();
            all.addAll(r.publicRoute() ? List.of() : c.limits().defaults());
            for (RouteConfig.Limit l : all) {
                RouteConfig.Limit prev = named.putIfAbsent(l.name(), l);
                if (prev != null && !prev.equals(l)) problems.add(at + ".limits: two different limits are named '" + l.name() + "' (names must be unique, including limits.defaults)");
            }
            for (RouteConfig.Concurrency cc : r.concurrency()) {
                String problem = inert(cc.per(), r);
                if (problem != null) problems.add(at + ".concurrency: per " + cc.per().key + " " + problem);
            }
        }
        for (String tier : c.limits().tiers().keySet()) {
            List<RouteConfig.Limit> plan = c.limits().tierLimits(tier);
            if (plan.stream().map(RouteConfig.Limit::name).distinct().count() != plan.size()) {
                problems.add("limits.tiers." + tier + ": two limits share a name (names must be unique within a tier)");
            }
        }
        Map<String, Integer> ruleIds = new HashMap<>();
        for (int i = 0; i < c.budgets().rules().size(); i++) {
            BudgetsConfig.Rule rule = c.budgets().rules().get(i);
            String at = "budgets.rules[" + i + "]";
            Integer prev = ruleIds.putIfAbsent(rule.id(), i);
            if (prev != null) problems.add(at + ".id: '" + rule.id() + "' is already used by budgets.rules[" + prev + "]");
            boolean deploymentPrices = c.models().values().stream().anyMatch(m -> m.deployments().stream().anyMatch(d -> d.price() != null));
            if (rule.cost() != null && c.budgets().prices().isEmpty() && !deploymentPrices) {
                problems.add(at + ".cost: a cost budget needs budgets.prices (or prices on the model deployments)");
            }
            for (String routeId : rule.routes()) {
                RouteConfig r = c.routes().stream().filter(x -> x.id().equals(routeId)).findFirst().orElse(null);
                if (r == null) problems.add(at + ".routes: unknown route '" + routeId + "'");
                else if (rule.countsToolCalls() && r.mcp() == null) problems.add(at + ".routes: route '" + routeId + "' has no mcp: tool_calls counts MCP tool calls");
                else if (!rule.countsToolCalls() && r.llm() == null) problems.add(at + ".routes: route '" + routeId + "' has no llm: budgets only count LLM routes");
            }
        }
        for (int i = 0; i < c.routes().size(); i++) {
            RouteConfig r = c.routes().get(i);
            if (r.llm() == null || !r.publicRoute()) continue;
            for (BudgetsConfig.Rule rule : c.budgets().rules()) {
                if (!rule.countsToolCalls() && (rule.routes().isEmpty() || rule.routes().contains(r.id()))) {
                    problems.add("routes[" + i + "]: budget '" + rule.id() + "' applies to this public route, which has no caller to charge (add auth, or list the budget's routes)");
                }
            }
        }
        for (int i = 0; i < c.routes().size(); i++) {
            String g = c.routes().get(i).guard();
            if (!g.equals(GuardConfig.OFF) && !c.guard().policies().containsKey(g)) {
                problems.add("routes[" + i + "].guard: unknown policy '" + g + "' (declared: " + String.join(", ", c.guard().policies().keySet()) + ", or off)");
            }
            McpConfig mcp = c.routes().get(i).mcp();
            if (mcp != null && !mcp.guard().policy().equals(GuardConfig.OFF) && !c.guard().policies().containsKey(mcp.guard().policy())) {
                problems.add("routes[" + i + "].mcp.guard.policy: unknown policy '" + mcp.guard().policy() + "' (declared: "
                        + String.join(", ", c.guard().policies().keySet()) + ", or off)");
            }
        }
        if (c.budgets().rules().stream().anyMatch(r -> !r.countsToolCalls()) && c.routes().stream().noneMatch(r -> r.llm() != null)) {
            problems.add("budgets.rules: no route has llm set, so no budget would ever count anything");
        }
        if (c.prod() && !c.store().isSqlite() && !c.store().verifiesTls() && !c.store().insecureTransport()) {
            problems.add("store.url: prod reaches PostgreSQL over TLS with the server verified: add sslmode=verify-full (and sslrootcert=PATH "
                    + "for a private CA), or waive it with store.insecure_transport: true (a posture finding)");
        }
        if (c.prod() && c.redis() != null && !c.redis().insecureTransport()) {
            if (!"rediss".equals(c.redis().url().getScheme())) {
                problems.add("redis.url: prod reaches Redis over TLS (rediss://), or waive it with redis.insecure_transport: true (a posture finding)");
            }
            if (c.redis().password() == null) {
                problems.add("redis.password: prod needs Redis AUTH (password: env:NAME), or waive it with redis.insecure_transport: true (a posture finding)");
            }
        }
        // The seeds ask for a year of audit at least; a shorter retention in prod would destroy evidence early.
        RetentionPeriod audit = c.retention().audit();
        if (c.prod() && audit.enabled() && audit.keep().compareTo(RetentionConfig.PROD_AUDIT_FLOOR) < 0) {
            problems.add("retention.audit: " + audit + " is below the year prod keeps the audit trail (expected: at least 365d, or off)");
        }
        // On PostgreSQL the job holds its lock on one connection for the whole run and deletes on others.
        if (c.retention().enabled() && !c.store().isSqlite() && c.store().poolSize() != null && c.store().poolSize() < 2) {
            problems.add("store.pool_size: 1 leaves the retention job no connection besides the one holding its lock (expected: at least 2, or retention.enabled: false)");
        }
        if (c.prod() && c.tokens().masterKey() == null) {
            problems.add("tokens.master_key: required when environment is prod (a secret reference to a Tink AEAD keyset)");
        }
        AdminListenerConfig admin = c.listeners().admin();
        PublicListenerConfig pub = c.listeners().publicListener();
        if (admin.enabled() && !admin.unsafeExpose() && !ListenersConfig.isLoopback(admin.host())) {
            problems.add("listeners.admin.host: '" + admin.host() + "' is not loopback; metrics and health would be reachable from the network (set unsafe_expose: true if that is intended)");
        }
        if (admin.enabled() && admin.port() != 0 && admin.port().equals(pub.port())) {
            problems.add("listeners.admin.port: " + admin.port() + " is the public listener's port too");
        }
        EgressListenerConfig egress = c.listeners().egress();
        if (egress.enabled() && egress.port() != 0 && (egress.port().equals(pub.port()) || (admin.enabled() && egress.port().equals(admin.port())))) {
            problems.add("listeners.egress.port: " + egress.port() + " is another listener's port too");
        }
        return problems;
    }

    /** Whether some deployment of the model can take an embeddings request. */
    private static boolean embeds(ModelConfig model) {
        return model.deployments().stream().anyMatch(d -> d.provider().hasEmbeddingsApi());
    }

    /** Why a limit keyed this way could never see its kind of caller on this route, or null. */
    private static String inert(RouteConfig.LimitKey per, RouteConfig r) {
        if (r.auth() == null) return null; // public routes: checked by the record itself
        List<RouteConfig.AuthMethod> m = r.auth().methods();
        return switch (per) {
            case USER -> m.contains(RouteConfig.AuthMethod.JWT) || m.contains(RouteConfig.AuthMethod.BASTION_TOKEN) ? null
                    : "would never see a user: the route takes neither jwt nor bastion_token";
            case CLIENT -> m.contains(RouteConfig.AuthMethod.BASTION_TOKEN) ? null : "would never see a client: the route does not take bastion_token";
            // per api_key counts each calling credential (key, else client, else user): never inert.
            case API_KEY, IP, ORG, ROUTE -> null;
        };
    }


    /**
     * An MCP route's servers are declared upstreams with a key of their own (never a per-deployment signature), and its
     * resource URI is its own: two routes with one resource would accept each other's tokens.
     */
    private static void mcp(BastionConfig c, McpConfig mcp, String at, Map<String, String> resources, List<String> problems) {
        for (int j = 0; j < mcp.servers().size(); j++) {
            String up = mcp.servers().get(j).upstream();
            UpstreamConfig u = c.upstreams().get(up);
            if (u == null) {
                problems.add(at + ".mcp.servers[" + j + "].upstream: unknown upstream '" + up + "' (declared: "
                        + (c.upstreams().isEmpty() ? "none" : String.join(", ", c.upstreams().keySet())) + ")");
            } else if (u.deploymentAuth()) {
                problems.add(at + ".mcp.servers[" + j + "].upstream: '" + up + "' authenticates per model deployment; an MCP server needs a key, an HMAC secret or the identity token");
            }
        }
        String other = resources.putIfAbsent(mcp.resource().toString(), at);
        if (other != null) problems.add(at + ".mcp.resource: '" + mcp.resource() + "' is already the resource of " + other + " (tokens for one would be accepted by the other)");
    }
}
