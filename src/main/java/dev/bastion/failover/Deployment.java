package dev.bastion.failover;

import dev.bastion.config.BudgetsConfig;
import dev.bastion.llm.provider.ChatProvider;
import dev.bastion.llm.provider.EmbeddingsProvider;
import dev.bastion.upstream.Upstream;
import java.util.List;

/**
 * One place a model runs: the provider's own model name, its wire format, and the upstream (URL, key,
 * timeouts) wrapped so that requests and answers are translated — once per key of the upstream's pool.
 *
 * @param price      what its tokens cost when the deployment names a price of its own; null: the price table's
 * @param embeddings null for the deployment as chat routes use it; set for the one embeddings routes use,
 *                   whose {@code keys} then speak the provider's embeddings API
 */
public record Deployment(String publicName, ChatProvider chat, String model, String upstreamName, List<Upstream> keys, int weight,
                         DeploymentHealth health, long firstTokenTimeoutMillis, long totalTimeoutMillis, BudgetsConfig.Price price,
                         EmbeddingsProvider embeddings) {
    /** A deployment as chat routes use it. */
    public Deployment(String publicName, ChatProvider chat, String model, String upstreamName, List<Upstream> keys, int weight,
                      DeploymentHealth health, long firstTokenTimeoutMillis, long totalTimeoutMillis, BudgetsConfig.Price price) {
        this(publicName, chat, model, upstreamName, keys, weight, health, firstTokenTimeoutMillis, totalTimeoutMillis, price, null);
    }

    /** The upstream with the pool's first key. */
    public Upstream upstream() {
        return keys.getFirst();
    }

    /** {@code upstream/model}: the access line's and the metrics' name for it. */
    public String id() {
        return upstreamName + "/" + model;
    }
}
