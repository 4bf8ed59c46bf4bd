package dev.bastion.console;

import dev.bastion.admin.AdminRole;
import dev.bastion.authn.ApiKeys;
import dev.bastion.authn.Credentials;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.Verdict;
import dev.bastion.observe.AuditLog;
import dev.bastion.store.ConsoleRepository;
import dev.bastion.store.User;
import dev.bastion.store.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The console's own JSON endpoints (docs/console.md): {@code GET /console/session} (who is logged in, and the CSRF
 * token — given in JSON, never in HTML, so only a same-origin script can read it), {@code POST /console/logout} and
 * {@code POST /console/bootstrap} (a one-time link's token, sent by the page's script from the URL fragment, becomes an
 * operator session). Logins and logouts are audit events; tokens and session ids never are.
 */
public final class ConsoleEndpoints {
    /** What a bootstrap token looks like: 43 base62 characters (256 bits). */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{43}");
    private static final Verdict BOOTSTRAP_REFUSED = new Verdict.Deny(401, "bootstrap_invalid",
            "This bootstrap link is unknown, expired or already used; make a new one with `bastion console bootstrap`.");
    private static final Verdict WRONG_ORIGIN = new Verdict.Deny(403, "csrf_failed", "A console login must come from the console's own origin.");

    private final Vertx vertx;
    private final ConsoleSessions sessions;
    private final ConsoleRepository repo;
    private final UserRepository users;
    private final AuditLog audit;
    private final Clock clock;
    private final java.util.function.Supplier<String> origin;

    public ConsoleEndpoints(Vertx vertx, ConsoleSessions sessions, ConsoleRepository repo, UserRepository users, AuditLog audit, Clock clock, java.util.function.Supplier<String> origin) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.repo = repo;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
        this.origin = origin;
    }

    /** {@code GET /console/session}, behind the session authenticator. */
    public LocalEndpoint session() {
        return ex -> {
            Identity id = ex.identity();
            String sid = ConsoleSessions.fromCookies(String.join("; ", ex.headers().getAll("Cookie")));
            AdminRole role = AdminRole.of(id).orElseThrow();
            JsonObject body = new JsonObject().put("subject", id.subject()).put("org", id.orgId())
                    .put("role", ConsoleSessions.wire(role)).put("scopes", new io.vertx.core.json.JsonArray(id.scopes().stream().sorted().toList()))
                    .put("csrf_token", ConsoleSessions.csrfToken(sid));
            return Future.succeededFuture(json(200, body, List.of()));
        };
    }

    /** {@code POST /console/logout}, behind the session authenticator (and so its CSRF check). */
    public LocalEndpoint logout() {
        return ex -> {
            String sid = ConsoleSessions.fromCookies(String.join("; ", ex.headers().getAll("Cookie")));
            Identity id = ex.identity();
            return vertx.executeBlocking(() -> {
                sessions.close(sid);
                audit.event("console.logout", fields(ex, id.orgId(), id.subject(), null));
                return json(200, new JsonObject().put("logged_out", true), List.of(Map.entry("Set-Cookie", ConsoleSessions.CLEARED_COOKIE)));
            });
        };
    }

    /** {@code POST /console/bootstrap} with {@code {"token": "…"}}: no credential but the token, from the console's origin only. */
    public LocalEndpoint bootstrap() {
        return ex -> {
            if (!origin.get().equals(ex.headers().get("Origin"))) return Future.succeededFuture(WRONG_ORIGIN);
            String token = token(ex);
            if (token == null) return Future.succeededFuture(new Verdict.Deny(400, "request_invalid", "token: expected the link's 43-character token"));
            return vertx.executeBlocking(() -> repo.useBootstrap(ApiKeys.hash(token), clock.instant()).map(org -> {
                // One user per link, so revoking it (bastion revoke user) ends exactly that login.
                User u = users.insertIfAbsent(new User("usr_" + Credentials.randomBase62(16), org, "console-bootstrap",
                        ApiKeys.hash(token).substring(0, 16), "operator", clock.instant(), clock.instant()));
                ConsoleSessions.Opened s = sessions.open(org, u.id(), "bootstrap:" + u.id(), AdminRole.OPERATOR, "bootstrap");
                audit.event("console.login", fields(ex, org, s.session().subject(), "bootstrap"));
                return login(s);
            }).orElseGet(() -> {
                audit.event("console.login_refused", fields(ex, null, null, "bootstrap", "bootstrap_invalid"));
                return BOOTSTRAP_REFUSED;
            }));
        };
    }

    /** The answer that starts a session: the cookie, and where the page goes next. */
    static Verdict login(ConsoleSessions.Opened s) {
        return json(200, new JsonObject().put("role", s.session().role()).put("org", s.session().orgId()).put("next", "/console/overview.html"),
                List.of(Map.entry("Set-Cookie", ConsoleSessions.cookie(s.id()))));
    }

    private static String token(Exchange ex) {
        try {
            JsonObject body = ex.body() == null ? null : ex.body().toJsonObject();
            Object t = body == null ? null : body.getValue("token");
            return t instanceof String s && TOKEN.matcher(s).matches() ? s : null;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    static Map<String, Object> fields(Exchange ex, String org, String principal, String method) {
        return fields(ex, org, principal, method, null);
    }

    /** @param reason why a login was refused (a stable code), or null */
    static Map<String, Object> fields(Exchange ex, String org, String principal, String method, String reason) {
        Map<String, Object> f = new LinkedHashMap<>();
        if (org != null) f.put("org", org);
        if (principal != null) f.put("principal", principal);
        if (method != null) f.put("method", method);
        if (reason != null) f.put("reason", reason);
        f.put("ip", ex.clientIp());
        f.put("request_id", ex.requestId());
        f.put("via", "console");
        return f;
    }

    static Verdict json(int status, JsonObject body, List<Map.Entry<String, String>> extra) {
        List<Map.Entry<String, String>> h = new ArrayList<>(LocalEndpoint.JSON_NO_STORE.entrySet());
        h.addAll(extra);
        return new Verdict.Respond(status, h, io.vertx.core.buffer.Buffer.buffer(body.encode()));
    }
}
