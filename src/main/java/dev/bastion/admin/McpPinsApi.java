package dev.bastion.admin;

import static dev.bastion.admin.AdminAnswers.answer;
import static dev.bastion.admin.AdminAnswers.error;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.mcp.PinReview;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.McpPin;
import dev.bastion.store.McpPinRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * MCP tool pins on the admin listener (docs/mcp.md#pinning-tool-definitions): {@code GET /admin/v1/mcp/pins} lists every
 * route's pins with what waits for review (its fingerprint and canonical definition), and {@code POST
 * /admin/v1/mcp/pins/approve|reject} with {@code {"route","tool","fingerprint"}} decides one ({@link PinReview}). Pins
 * are the gateway's, not a tenant's: the routes ask for the {@code operator} scope ({@link AdminRole#OPERATOR}). Every decision is audited; this node applies it at once, the others at their next poll.
 */
public final class McpPinsApi {
    private final Vertx vertx;
    private final McpPinRepository pins;
    private final AuditLog audit;
    private final BiPredicate<String, String> declared;
    private final BiConsumer<String, String> decided;
    private final Clock clock;

    /**
     * @param declared whether a route's config declares a tool's pin
     * @param decided  told of each decision made here (this node re-reads the row at once)
     */
    public McpPinsApi(Vertx vertx, McpPinRepository pins, AuditLog audit, BiPredicate<String, String> declared, BiConsumer<String, String> decided, Clock clock) {
        this.vertx = vertx;
        this.pins = pins;
        this.audit = audit;
        this.declared = declared;
        this.decided = decided;
        this.clock = clock;
    }

    /** {@code GET /admin/v1/mcp/pins}. */
    public LocalEndpoint list() {
        return ex -> AdminAnswers.blocking(vertx, ex, id -> {
            AdminQuery q = AdminQuery.of(ex);
            java.util.List<McpPin> all = pins.all();
            AdminAudit.read(audit, ex, id, "mcp_pins", all.size()); // who read the review queue, and how much of it
            return answer(200, q.page(all, McpPinsApi::json));
        });
    }

    /** {@code POST /admin/v1/mcp/pins/approve} or {@code …/reject}. */
    public LocalEndpoint decide(boolean approve) {
        return ex -> {
            JsonObject body;
            try {
                body = ex.body() == null ? null : ex.body().toJsonObject();
            } catch (DecodeException | ClassCastException e) {
                body = null;
            }
            String route = text(body, "route"), tool = text(body, "tool"), fp = text(body, "fingerprint");
            if (route == null || tool == null || (fp != null && !fp.matches("sha256:[0-9a-f]{64}"))) {
                return Future.succeededFuture(error(400, "request_invalid", "Send {\"route\": \"…\", \"tool\": \"server__tool\", \"fingerprint\": \"sha256:…\"}."));
            }
            return vertx.executeBlocking(() -> {
                PinReview.Result r = PinReview.decide(pins, route, tool, fp, approve, declared.test(route, tool), ex.identity().subject(), clock.instant());
                return switch (r.outcome()) {
                    case UNKNOWN -> error(404, "not_found", "No such tool on that route.");
                    case NOTHING_PENDING -> error(409, "nothing_pending", "Nothing of that tool waits for review.");
                    case CHANGED -> error(409, "pin_changed", "The pending definition is not the fingerprint given; review it again.");
                    case DECLARED -> error(409, "pin_declared", "The tool's pin is declared in the route's config; change it there.");
                    case DONE -> done(ex, route, tool, r, approve);
                };
            });
        };
    }

    private Verdict done(Exchange ex, String route, String tool, PinReview.Result r, boolean approve) {
        decided.accept(route, tool);
        Map<String, Object> f = PinReview.fields(route, tool, r, "admin_api");
        f.put("principal", ex.identity().subject());
        f.put("org", ex.identity().orgId());
        f.put("request_id", ex.requestId());
        audit.event(approve ? "mcp.pin_approved" : "mcp.pin_rejected", f);
        return answer(200, new JsonObject().put("route", route).put("tool", tool).put(approve ? "approved" : "rejected", r.fingerprint()));
    }

    static JsonObject json(McpPin p) {
        JsonObject o = new JsonObject().put("route", p.routeId()).put("tool", p.tool()).put("pinned", p.pinnedFp())
                .put("decided_by", p.decidedBy()).put("updated_at", p.updatedAt().toString());
        if (p.pendingFp() != null) {
            o.put("pending", new JsonObject().put("fingerprint", p.pendingFp()).put("reason", p.pendingReason()).put("renamed_from", p.pendingFrom())
                    .put("since", p.pendingSince() == null ? null : p.pendingSince().toString())
                    .put("definition", p.pendingDefinition() == null ? null : new JsonObject(p.pendingDefinition())));
        }
        if (p.rejectedFp() != null) o.put("rejected", p.rejectedFp());
        return o;
    }

    private static String text(JsonObject body, String key) {
        Object v = body == null ? null : body.getValue(key);
        return v instanceof String s && !s.isBlank() && s.length() <= 200 ? s : null;
    }
}
