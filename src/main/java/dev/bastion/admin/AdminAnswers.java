package dev.bastion.admin;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The admin API's one way to answer: JSON bodies with {@code Cache-Control: no-store}, refusals in the one error shape,
 * a bad parameter named but never echoed, and store work on a worker, never on the event loop.
 */
public final class AdminAnswers {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AdminAnswers.class);

    private AdminAnswers() {}

    /** A parameter or body field that is missing or malformed; its message names it and never repeats its value. */
    public static final class BadParameter extends IllegalArgumentException {
        public BadParameter(String name, String expected) {
            super(name + ": " + expected);
        }
    }

    /** A refusal decided deep in a helper: {@link #blocking} answers with its verdict. */
    public static final class Refused extends RuntimeException {
        final transient Verdict verdict;

        public Refused(Verdict verdict) {
            super(null, null, false, false);
            this.verdict = verdict;
        }
    }

    public static Verdict answer(int status, JsonObject body) {
        return LocalEndpoint.answer(status, LocalEndpoint.JSON_NO_STORE, body.encode());
    }

    public static Verdict error(int status, String code, String message) {
        return new Verdict.Deny(status, code, message);
    }

    public static Verdict notFound(String kind) {
        return error(404, "not_found", "No such " + kind + ".");
    }

    public static Verdict forbidden(String message) {
        return error(403, "forbidden", message);
    }

    /** The request body as a JSON object; a {@link BadParameter} when it is absent or not one. */
    public static JsonObject body(Exchange ex) {
        try {
            JsonObject b = ex.body() == null || ex.body().length() == 0 ? null : ex.body().toJsonObject();
            if (b != null) return b;
        } catch (DecodeException | ClassCastException e) {
            // fall through: said the same way as a missing body
        }
        throw new BadParameter("body", "expected a JSON object");
    }

    /**
     * Runs {@code work} on a worker with the caller's identity; a {@link BadParameter} thrown there or before becomes a
     * 400 {@code request_invalid}.
     */
    public static Future<Verdict> blocking(Vertx vertx, Exchange ex, Function<Identity, Verdict> work) {
        Identity id = ex.identity();
        if (id == null) return Future.failedFuture(new IllegalStateException("admin endpoint reached without a caller"));
        return vertx.executeBlocking(() -> {
            try {
                return work.apply(id);
            } catch (BadParameter e) {
                return error(400, "request_invalid", e.getMessage());
            } catch (Refused r) {
                return r.verdict;
            }
        });
    }

    /**
     * Another org's object, or one that does not exist: the same 404 either way, so whether it exists elsewhere is not
     * revealed; the attempt is recorded as {@code tenant.cross_attempt} (Z2).
     */
    public static Verdict crossTenant(dev.bastion.observe.AuditLog audit, Identity id, String requestId, String action, String kind, String target) {
        log.warn("security_event cross_tenant_attempt actor_org={} actor={} action={} kind={} request_id={}", id.orgId(), id.subject(), action, kind, requestId);
        audit.event("tenant.cross_attempt", Map.of("org", id.orgId(), "principal", id.subject(), "action", action, "kind", kind,
                "request_id", requestId, "object", target == null ? "" : target, "via", "admin_api"));
        return kind.equals("org") ? notFound("org") : error(404, "not_found", "No such " + kind + " in your org.");
    }

    /**
     * The org a new credential is made in: the body's {@code org} (an org admin: their own, or none), which must exist.
     * An org admin may not grant {@code operator}.
     */
    static String creationOrg(dev.bastion.store.Store store, dev.bastion.observe.AuditLog audit, Exchange ex, Identity id, String org,
                              java.util.Set<String> scopes) {
        if (AdminRole.of(id).orElseThrow() != AdminRole.OPERATOR && scopes.contains(AdminRole.OPERATOR_SCOPE)) {
            throw new Refused(forbidden("Only an operator can grant the operator scope."));
        }
        AdminRole.OrgScope scope = AdminRole.scope(id, org);
        if (scope.foreign()) throw new Refused(crossTenant(audit, id, ex.requestId(), "create", "org", org));
        if (scope.all()) throw new BadParameter("org", "required for an operator");
        if (store.orgs().find(scope.org()).isEmpty()) throw new Refused(notFound("org"));
        return scope.org();
    }

    /** The fields every admin mutation's audit event carries: who, from which org, which request, and that it came through here. */
    public static Map<String, Object> auditFields(Exchange ex, Identity id, String ref) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("org", id.orgId());
        f.put("principal", id.subject());
        f.put("ref", ref);
        f.put("request_id", ex.requestId());
        if (ex.traceId() != null) f.put("trace_id", ex.traceId());
        f.put("client_ip", ex.clientIp());
        f.put("via", "admin_api");
        return f;
    }
}
