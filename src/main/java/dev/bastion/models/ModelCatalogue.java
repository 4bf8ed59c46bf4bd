package dev.bastion.models;

import dev.bastion.config.ModelConfig;
import dev.bastion.config.RouteConfig.LlmApi;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.failover.Deployment;
import dev.bastion.failover.DeploymentHealthRegistry;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.ChatProviders;
import dev.bastion.llm.provider.EmbeddingsProvider;
import dev.bastion.llm.provider.EmbeddingsProviders;
import dev.bastion.upstream.EmbeddingsUpstream;
import dev.bastion.upstream.ProviderUpstream;
import dev.bastion.upstream.RequestAuth;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.auth.DeploymentAuth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The model catalogue as it runs (U1): each public model name and the deployments that serve it, each
 * deployment bound to its upstream (one per key of the upstream's pool), wire format and health. Each
 * deployment is there twice, as chat routes and as embeddings routes send to it (the same breaker), since
 * a provider's embeddings API is another wire format. Built once at start; read-only, shared by every event loop.
 */
public final class ModelCatalogue {
    private final Map<String, List<Deployment>> models;
    private final Map<String, List<Deployment>> embeddings;
    private final Map<String, ModelConfig> config;
    private final boolean limitedToPlans;

    /**
     * @param pools  the upstream for each upstream name the deployments use, once per key of its pool
     * @param health where each deployment's breaker lives (shared by models that use the same deployment)
     * @param auths  for upstreams that authenticate per deployment (AWS credentials, a Google service account):
     *               what gives each deployment its credential
     */
    public ModelCatalogue(Map<String, ModelConfig> config, Map<String, UpstreamConfig> upstreams, Map<String, List<Upstream>> pools,
                          DeploymentHealthRegistry health, Map<String, DeploymentAuth> auths) {
        Map<String, List<Deployment>> out = new LinkedHashMap<>();
        Map<String, List<Deployment>> embeds = new LinkedHashMap<>();
        config.forEach((name, entry) -> {
            List<Deployment> ds = new ArrayList<>();
            List<Deployment> es = new ArrayList<>();
            for (ModelConfig.Deployment d : entry.deployments()) {
                List<Upstream> pool = pools.get(d.upstream());
                UpstreamConfig up = upstreams.get(d.upstream());
                if (pool == null || pool.isEmpty() || up == null) throw new IllegalArgumentException("models." + name + ": unknown upstream '" + d.upstream() + "'");
                String model = d.model() == null ? name : d.model();
                ChatProvider chat = ChatProviders.of(d);
                DeploymentAuth auth = auths.get(d.upstream());
                RequestAuth requestAuth = auth == null ? null : auth.forDeployment(d);
                EmbeddingsProvider embedding = EmbeddingsProviders.of(d);
                List<Upstream> keys = new ArrayList<>(pool.size());
                List<Upstream> embeddingKeys = new ArrayList<>(pool.size());
                for (Upstream u : pool) {
                    keys.add(new ProviderUpstream(u, chat, model, requestAuth));
                    embeddingKeys.add(new EmbeddingsUpstream(u, embedding, model, requestAuth));
                }
                var breaker = health.of(d.upstream() + "/" + model);
                ds.add(new Deployment(name, chat, model, d.upstream(), List.copyOf(keys), d.weight(), breaker,
                        up.firstTokenTimeout().toMillis(), up.totalTimeout().toMillis(), d.price()));
                es.add(new Deployment(name, chat, model, d.upstream(), List.copyOf(embeddingKeys), d.weight(), breaker,
                        up.firstTokenTimeout().toMillis(), up.totalTimeout().toMillis(), d.price(), embedding));
            }
            out.put(name, List.copyOf(ds));
            embeds.put(name, List.copyOf(es));
        });
        this.models = Collections.unmodifiableMap(out);
        this.embeddings = Collections.unmodifiableMap(embeds);
        this.config = Map.copyOf(config);
        this.limitedToPlans = config.values().stream().anyMatch(m -> !m.tiers().isEmpty());
    }

    /** Whether some model is limited to plans ({@code tiers}): only then is a caller's plan looked up. */
    public boolean limitedToPlans() {
        return limitedToPlans;
    }

    /** Whether a caller on this plan (null: none) may use the public model. */
    public boolean inPlan(String publicName, String tier) {
        ModelConfig m = config.get(publicName);
        return m != null && m.inPlan(tier);
    }

    public boolean isEmpty() {
        return models.isEmpty();
    }

    /** The public names, in config order. */
    public Set<String> names() {
        return models.keySet();
    }

    /** The model's deployments; empty when the catalogue has no such model. */
    public List<Deployment> deployments(String publicName) {
        List<Deployment> ds = models.get(publicName);
        return ds == null ? List.of() : ds;
    }

    /**
     * Where a request for the model may go, in the order to try them: the model's healthy deployments (the
     * first chosen by its {@code balance}, then the rest by weight), then each fallback model's — the model's
     * own fallbacks, then the route's. Deployments whose breaker is open are left out; empty when none is left.
     */
    public List<Deployment> candidates(String publicName, List<String> routeFallbacks) {
        return candidates(LlmApi.CHAT, publicName, routeFallbacks);
    }

    /** The same, for the API a route serves: an embeddings route's deployments send to the providers' embeddings APIs. */
    public List<Deployment> candidates(LlmApi api, String publicName, List<String> routeFallbacks) {
        Map<String, List<Deployment>> models = api == LlmApi.EMBEDDINGS ? embeddings : this.models;
        ModelConfig own = config.get(publicName);
        if (own == null) return List.of();
        Set<String> names = new LinkedHashSet<>();
        names.add(publicName);
        names.addAll(own.fallbacks());
        names.addAll(routeFallbacks);
        List<Deployment> out = new ArrayList<>();
        for (String name : names) {
            ModelConfig m = config.get(name);
            if (m == null) continue;
            List<Deployment> healthy = new ArrayList<>();
            for (Deployment d : models.get(name)) if (d.health().available() && !out.contains(d)) healthy.add(d);
            if (healthy.isEmpty()) continue;
            Deployment first = m.balance() == ModelConfig.Balance.LEAST_IN_FLIGHT ? leastInFlight(healthy) : weighted(healthy);
            out.add(first);
            healthy.remove(first);
            healthy.sort((a, b) -> Integer.compare(b.weight(), a.weight()));
            out.addAll(healthy);
        }
        return out;
    }

    private static Deployment weighted(List<Deployment> ds) {
        if (ds.size() == 1) return ds.getFirst();
        int total = 0;
        for (Deployment d : ds) total += d.weight();
        int r = ThreadLocalRandom.current().nextInt(total);
        for (Deployment d : ds) {
            r -= d.weight();
            if (r < 0) return d;
        }
        return ds.getLast();
    }

    /** Fewest in flight per unit of weight; ties at random (no herd on the first one listed). */
    private static Deployment leastInFlight(List<Deployment> ds) {
        Deployment best = null;
        double bestLoad = Double.MAX_VALUE;
        int ties = 0;
        for (Deployment d : ds) {
            double load = (d.health().inFlight() + 1.0) / d.weight();
            if (load < bestLoad) {
                best = d;
                bestLoad = load;
                ties = 1;
            } else if (load == bestLoad && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = d;
            }
        }
        return best;
    }
}
