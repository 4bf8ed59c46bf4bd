package dev.bastion.models;

import dev.bastion.config.ModelConfig;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.ChatProviders;
import dev.bastion.upstream.ProviderUpstream;
import dev.bastion.upstream.RequestAuth;
import dev.bastion.upstream.Upstream;
import dev.bastion.upstream.auth.DeploymentAuth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The model catalogue as it runs (U1): each public model name and the deployments that serve it, each
 * deployment bound to its upstream and wire format. Built once at start; read-only, shared by every
 * event loop.
 */
public final class ModelCatalogue {
    /**
     * One place a model runs: the provider's own model name, its wire format, and the upstream (URL, key,
     * timeouts) wrapped so that requests and answers are translated.
     */
    public record Deployment(String publicName, ChatProvider chat, String model, String upstreamName, Upstream upstream, int weight) {}

    private final Map<String, List<Deployment>> models;

    /** @param upstreams the upstream for each upstream name the deployments use */
    public ModelCatalogue(Map<String, ModelConfig> config, Map<String, Upstream> upstreams) {
        this(config, upstreams, Map.of());
    }

    /**
     * @param upstreams the upstream for each upstream name the deployments use
     * @param auths     for upstreams that authenticate per deployment (AWS credentials, a Google service account):
     *                  what gives each deployment its credential
     */
    public ModelCatalogue(Map<String, ModelConfig> config, Map<String, Upstream> upstreams, Map<String, DeploymentAuth> auths) {
        Map<String, List<Deployment>> out = new LinkedHashMap<>();
        config.forEach((name, entry) -> {
            List<Deployment> ds = new ArrayList<>();
            for (ModelConfig.Deployment d : entry.deployments()) {
                Upstream up = upstreams.get(d.upstream());
                if (up == null) throw new IllegalArgumentException("models." + name + ": unknown upstream '" + d.upstream() + "'");
                String model = d.model() == null ? name : d.model();
                ChatProvider chat = ChatProviders.of(d);
                DeploymentAuth auth = auths.get(d.upstream());
                RequestAuth requestAuth = auth == null ? null : auth.forDeployment(d);
                ds.add(new Deployment(name, chat, model, d.upstream(), new ProviderUpstream(up, chat, model, requestAuth), d.weight()));
            }
            out.put(name, List.copyOf(ds));
        });
        this.models = Collections.unmodifiableMap(out);
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

    /** One deployment of the model, chosen at random in proportion to the weights; null for an unknown model. */
    public Deployment pick(String publicName) {
        List<Deployment> ds = models.get(publicName);
        if (ds == null) return null;
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
}
