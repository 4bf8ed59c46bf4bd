package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.config.LimitsConfig;
import dev.bastion.store.Org;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/v1/tiers}: the configured plans ({@code limits.tiers}) with their limits, and how many orgs and keys
 * are on each — counts only, so an org admin learns nothing of other orgs but how a plan is used.
 */
public final class TiersApi {
    private final Vertx vertx;
    private final Store store;
    private final AdminTiers tiers;

    public TiersApi(Vertx vertx, Store store, AdminTiers tiers) {
        this.vertx = vertx;
        this.store = store;
        this.tiers = tiers;
    }

    public LocalEndpoint list() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            AdminQuery q = AdminQuery.of(ex);
            List<Org> orgs = store.orgs().list();
            Map<String, String> keyTiers = store.apiKeys().tiers(null);
            List<Map.Entry<String, List<LimitsConfig.TierLimit>>> all = new ArrayList<>(tiers.tiers().entrySet());
            return answer(200, q.page(all, t -> {
                JsonArray limits = new JsonArray();
                for (LimitsConfig.TierLimit l : t.getValue()) limits.add(new JsonObject().put("rate", l.rate().toString()).put("burst", l.burst()).put("name", l.name()));
                return new JsonObject().put("name", t.getKey()).put("default", t.getKey().equals(tiers.defaultTier())).put("limits", limits)
                        .put("orgs", orgs.stream().filter(o -> t.getKey().equals(o.tier())).count())
                        .put("keys", keyTiers.values().stream().filter(t.getKey()::equals).count());
            }));
        });
    }
}
