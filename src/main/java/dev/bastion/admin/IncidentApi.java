package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.error;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.respond.Incidents;
import dev.bastion.respond.Switch;
import dev.bastion.store.ResponseAction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Incident switches on the admin API (R2), {@code /admin/v1/incidents}: {@code GET} lists the switches in force,
 * {@code POST} throws one, {@code DELETE /admin/v1/incidents/{id}} lifts one. A switch acts on every tenant, so the
 * routes ask for the {@code operator} scope ({@link AdminRole#OPERATOR}). Each throw and lift is an audit event with the
 * caller as operator; a bad body is a 400 that says what was expected, never what was sent.
 */
public final class IncidentApi {
    public static final String PATH = "/admin/v1/incidents";

    private final Vertx vertx;
    private final Incidents incidents;

    public IncidentApi(Vertx vertx, Incidents incidents) {
        this.vertx = vertx;
        this.incidents = incidents;
    }

    /** {@code GET} and {@code POST /admin/v1/incidents}. */
    public LocalEndpoint collection() {
        return ex -> ex.method() == HttpMethod.POST ? open(ex) : operator(ex, by -> AdminAnswers.answer(200, AdminQuery.of(ex).page(incidents.list(), IncidentApi::json)));
    }

    /** {@code DELETE /admin/v1/incidents/{id}}. */
    public LocalEndpoint one() {
        return ex -> {
            String id = ex.path().startsWith(PATH + "/") ? ex.path().substring(PATH.length() + 1) : "";
            if (!id.matches("inc_[0-9a-f]{1,40}")) return operator(ex, by -> error(404, "not_found", "No such incident switch in force."));
            return operator(ex, by -> incidents.lift(id, by).map(a -> answer(200, json(a)))
                    .orElseGet(() -> error(404, "not_found", "No such incident switch in force.")));
        };
    }

    private Future<Verdict> open(Exchange ex) {
        JsonObject body;
        try {
            body = ex.body() == null ? null : ex.body().toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        if (body == null) return Future.succeededFuture(error(400, "request_invalid", "The body must be a JSON object."));
        JsonObject b = body;
        return operator(ex, by -> {
            try {
                Switch kind = Switch.fromWire(b.getValue("switch") instanceof String s ? s : null);
                if (kind == null) return error(400, "request_invalid", "switch must be one of block_ip, block_key, suspend_org, disable_route, disable_model, lockdown.");
                String target = kind == Switch.LOCKDOWN ? Switch.allowList(strings(b, "allow_orgs"), strings(b, "allow_keys")) : text(b, "target");
                Duration d = incidents.duration(text(b, "for"), text(b, "expires_at"));
                return answer(201, json(incidents.open(kind, target, text(b, "reason"), d, by)));
            } catch (IllegalArgumentException e) {
                return error(400, "request_invalid", e.getMessage()); // Switch and Incidents say what was expected, never echo a value
            }
        });
    }

    private Future<Verdict> operator(Exchange ex, java.util.function.Function<Incidents.Operator, Verdict> work) {
        return AdminAnswers.blocking(vertx, ex, id -> work.apply(new Incidents.Operator(id.subject(), id.orgId(), "admin_api", ex.requestId(), ex.clientIp())));
    }

    private static String text(JsonObject b, String key) {
        Object v = b.getValue(key);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new IllegalArgumentException(key + ": expected a string");
        return s;
    }

    private static Set<String> strings(JsonObject b, String key) {
        Object v = b.getValue(key);
        if (v == null) return Set.of();
        if (!(v instanceof JsonArray a) || a.size() > 50) throw new IllegalArgumentException(key + ": expected an array of at most 50 ids");
        Set<String> out = new HashSet<>();
        for (Object o : a) {
            if (!(o instanceof String s)) throw new IllegalArgumentException(key + ": expected an array of strings");
            out.add(s);
        }
        return out;
    }

    static JsonObject json(ResponseAction a) {
        return new JsonObject().put("id", a.id()).put("switch", a.action()).put("target", a.subject()).put("reason", a.reason())
                .put("created_at", a.createdAt().toString()).put("expires_at", a.expiresAt().toString()).put("node", a.node())
                .put("lifted_at", a.liftedAt() == null ? null : a.liftedAt().toString());
    }
}
