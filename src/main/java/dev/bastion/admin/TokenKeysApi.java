package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.auditFields;

import dev.bastion.chain.LocalEndpoint;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.SigningKeyRecord;
import dev.bastion.store.Store;
import dev.bastion.tokens.SigningKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Bastion's token signing keys (operator): {@code GET /admin/v1/tokens/keys} lists the published keys and their state,
 * {@code POST …/rotate} makes a new one (signing once every node has read it), {@code POST …/{kid}/withdraw} withdraws a
 * leaked one (its tokens stop working on every node within {@code tokens.key_refresh}). Public halves only, never a
 * private key.
 */
public final class TokenKeysApi {
    private final Vertx vertx;
    private final Store store;
    private final SigningKeys keys;
    private final AuditLog audit;
    private final Clock clock;

    public TokenKeysApi(Vertx vertx, Store store, SigningKeys keys, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    public LocalEndpoint list() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            Instant now = clock.instant();
            return answer(200, AdminQuery.of(ex).page(store.signingKeys().published(now), k -> json(k, now)));
        });
    }

    public LocalEndpoint rotate() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            keys.refresh();
            String kid = keys.rotate();
            audit.event("signing_key.rotated", auditFields(ex, id, kid));
            return answer(201, new JsonObject().put("kid", kid).put("signing_from", clock.instant().plus(keys.activation()).toString()));
        });
    }

    public LocalEndpoint withdraw() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            String kid = AdminQuery.segment(ex, 4);
            if (!kid.matches("[A-Za-z0-9_-]{1,64}") || !keys.withdraw(kid)) return AdminAnswers.notFound("published signing key");
            Map<String, Object> f = auditFields(ex, id, kid);
            audit.event("signing_key.withdrawn", f);
            return answer(200, new JsonObject().put("kid", kid).put("withdrawn", true));
        });
    }

    static JsonObject json(SigningKeyRecord k, Instant now) {
        String state = k.retiredAt() == null ? "signing_or_next" : k.retiredAt().isAfter(now) ? "signing" : "verify_only";
        return new JsonObject().put("kid", k.kid()).put("algorithm", k.algorithm()).put("created_at", k.createdAt().toString())
                .put("retired_at", k.retiredAt() == null ? null : k.retiredAt().toString())
                .put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString()).put("state", state);
    }
}
