package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.admin.AdminRole;
import dev.bastion.config.ConsoleConfig;
import dev.bastion.edge.PageHeadersControl;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's sessions over real HTTP through the admin listener: bootstrap login (and the link's second use),
 * the session as an admin credential, CSRF (token and Origin), logout, idle expiry, a tampered cookie, revocation,
 * the role model's 404 for another org, and the headers of every console answer.
 */
class ConsoleSessionGatewayTest {
    private static final String YAML = """
            listeners:
              public: { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            store: { url: "{{store}}" }
            api_keys: { cache_ttl: 300ms }
            revocation: { poll_interval: 200ms }
            upstreams:
              app: { url: "{{upstream}}" }
            routes:
              - { id: r, match: { methods: [GET], path: /v1/* }, upstream: app, public: true }
            """;

    private TestGateway gw;
    private String origin;

    @BeforeEach
    void start() throws Exception {
        gw = TestGateway.start(YAML);
        origin = "http://127.0.0.1:" + gw.gateway.adminPort();
        gw.store.orgs().ensure("ops");
        gw.store.orgs().ensure("acme");
        gw.store.orgs().ensure("globex");
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
    }

    @Test
    void aBootstrapLinkLogsInOnceAsOperatorAndTheSessionServesTheAdminApi() throws Exception {
        Bootstrap.Link link = Bootstrap.create(gw.store.console(), "ops", Instant.now(), Duration.ofMinutes(15));
        HttpResponse<String> login = bootstrap(link.token(), origin);
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(ConsoleSessions.COOKIE + "=").contains("HttpOnly", "Secure", "SameSite=Strict", "Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> again = bootstrap(link.token(), origin);
        assertThat(again.statusCode()).as("the link's second use").isEqualTo(401);
        assertThat(code(again)).isEqualTo("bootstrap_invalid");

        JsonObject session = new JsonObject(admin("GET", "/console/session", cookie, null, null, null).body());
        assertThat(session.getString("role")).isEqualTo("operator");
        assertThat(session.getString("org")).isEqualTo("ops");
        assertThat(session.getString("csrf_token")).isNotBlank();
        assertThat(admin("GET", "/admin/v1/keys", cookie, null, null, null).statusCode()).isEqualTo(200);

        List<AuditRow> logins = events("console.login");
        assertThat(logins).hasSize(1);
        assertThat(logins.getFirst().fields()).contains("\"method\":\"bootstrap\"").doesNotContain(link.token()).doesNotContain(cookie.substring(cookie.indexOf('=') + 1));
        assertThat(events("console.login_refused")).hasSize(1);
    }

    @Test
    void anExpiredOrForeignOriginBootstrapIsRefused() throws Exception {
        Bootstrap.Link link = Bootstrap.create(gw.store.console(), "ops", Instant.now().minus(Duration.ofHours(1)), Duration.ofMinutes(15));
        assertThat(bootstrap(link.token(), origin).statusCode()).as("expired").isEqualTo(401);
        Bootstrap.Link fresh = Bootstrap.create(gw.store.console(), "ops", Instant.now(), Duration.ofMinutes(15));
        HttpResponse<String> foreign = bootstrap(fresh.token(), "http://127.0.0.1:1");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(code(foreign)).isEqualTo("csrf_failed");
        assertThat(bootstrap(fresh.token(), origin).statusCode()).as("the refused attempt did not use the link").isEqualTo(200);
        HttpResponse<String> malformed = bootstrap("../../etc/passwd", origin);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).doesNotContain("passwd");
    }

    @Test
    void aMutationByCookieNeedsTheCsrfTokenAndTheConsoleOriginWhileAnApiKeyNeedsNeither() throws Exception {
        String cookie = login("ops", AdminRole.OPERATOR);
        String csrf = csrf(cookie);
        String body = "{\"switch\":\"block_ip\",\"target\":\"203.0.113.7\",\"for\":\"1h\",\"reason\":\"test\"}";

        HttpResponse<String> noToken = admin("POST", "/admin/v1/incidents", cookie, null, origin, body);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(code(noToken)).isEqualTo("csrf_failed");
        HttpResponse<String> wrongOrigin = admin("POST", "/admin/v1/incidents", cookie, csrf, "http://evil.example", body);
        assertThat(wrongOrigin.statusCode()).isEqualTo(403);
        assertThat(code(wrongOrigin)).isEqualTo("csrf_failed");
        assertThat(admin("POST", "/admin/v1/incidents", cookie, csrf, null, body).statusCode()).as("no Origin at all").isEqualTo(403);
        assertThat(admin("POST", "/admin/v1/incidents", cookie, csrf(login("ops", AdminRole.OPERATOR)), origin, body).statusCode())
                .as("another session's token").isEqualTo(403);
        assertThat(incidents(cookie)).as("no refused attempt threw a switch").isEmpty();

        HttpResponse<String> thrown = admin("POST", "/admin/v1/incidents", cookie, csrf, origin, body);
        assertThat(thrown.statusCode()).isEqualTo(201);
        assertThat(incidents(cookie)).hasSize(1);

        String key = gw.createKey("ops", "operator");
        HttpResponse<String> byKey = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/incidents")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.replace("203.0.113.7", "203.0.113.8"))).build());
        assertThat(byKey.statusCode()).as("an API key is not a browser's: no CSRF").isEqualTo(201);
    }

    @Test
    void logoutEndsTheSessionEverywhere() throws Exception {
        String cookie = login("acme", AdminRole.ORG_ADMIN);
        HttpResponse<String> out = admin("POST", "/console/logout", cookie, csrf(cookie), origin, null);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        HttpResponse<String> after = admin("GET", "/admin/v1/keys", cookie, null, null, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(code(after)).isEqualTo("session_invalid");
        assertThat(events("console.logout")).hasSize(1);
    }

    @Test
    void anIdleSessionAndATooOldOneEnd() throws Exception {
        String idle = login("acme", AdminRole.ORG_ADMIN);
        String old = login("acme", AdminRole.ORG_ADMIN);
        assertThat(admin("GET", "/console/session", idle, null, null, null).statusCode()).isEqualTo(200);
        ConsoleConfig.Session limits = ConsoleConfig.Session.DEFAULTS;
        // The clocks in the store moved back, as if the time had passed: last use 16 minutes ago; login 9 hours ago.
        shift("UPDATE console_sessions SET last_seen = ? WHERE id_hash = ?", limits.idleTimeout().plusMinutes(1), idle);
        shift("UPDATE console_sessions SET created_at = ? WHERE id_hash = ?", limits.maxAge().plusHours(1), old);
        assertThat(admin("GET", "/console/session", idle, null, null, null).statusCode()).isEqualTo(401);
        assertThat(admin("GET", "/console/session", old, null, null, null).statusCode()).as("busy, but past max_age").isEqualTo(401);
    }

    @Test
    void aTamperedOrPlantedCookieIsNotASession() throws Exception {
        String cookie = login("acme", AdminRole.ORG_ADMIN);
        char last = cookie.charAt(cookie.length() - 1);
        String tampered = cookie.substring(0, cookie.length() - 1) + (last == 'a' ? 'b' : 'a');
        HttpResponse<String> r = admin("GET", "/admin/v1/keys", tampered, null, null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(tampered.substring(tampered.indexOf('=') + 1));
        assertThat(admin("GET", "/admin/v1/keys", cookie + "; " + tampered, null, null, null).statusCode()).as("two session cookies").isEqualTo(401);
        assertThat(admin("GET", "/admin/v1/keys", null, null, null, null).statusCode()).as("no credential").isEqualTo(401);
    }

    @Test
    void anOrgAdminSessionSeesItsOwnOrgOnlyAndEndsWhenTheUserIsRevoked() throws Exception {
        String globex = login("globex", AdminRole.ORG_ADMIN);
        HttpResponse<String> foreign = admin("GET", "/admin/v1/orgs/acme/keys", globex, null, null, null);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/admin/v1/orgs/globex/keys", globex, null, null, null).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/admin/v1/reload", globex, csrf(globex), origin, "{}").statusCode()).as("an operator endpoint").isEqualTo(403);
        assertThat(events("tenant.cross_attempt")).isNotEmpty();

        String userId = new JsonObject(admin("GET", "/console/session", globex, null, null, null).body()).getString("subject").substring("t:".length());
        String globexAdmin = gw.createKey("globex", "admin");
        HttpResponse<String> revoked = gw.send(HttpRequest.newBuilder(gw.adminUri("/admin/v1/revocations")).header("Authorization", "Bearer " + globexAdmin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("kind", "user").put("id", userId).encode())).build());
        assertThat(revoked.statusCode()).isEqualTo(201);
        Eventually.until("the session ends", () -> admin("GET", "/console/session", globex, null, null, null).statusCode() == 401);
    }

    @Test
    void revokingTheOrgEndsItsSessions() throws Exception {
        String acme = login("acme", AdminRole.ORG_ADMIN);
        assertThat(admin("GET", "/console/session", acme, null, null, null).statusCode()).isEqualTo(200);
        int exit = dev.bastion.Bastion.commandLine().execute("revoke", "--org", "acme", "--store", "sqlite:" + gw.dir.resolve("bastion.db"));
        assertThat(exit).isZero();
        Eventually.until("the session ends", () -> admin("GET", "/console/session", acme, null, null, null).statusCode() == 401);
        assertThat(code(admin("GET", "/admin/v1/keys", acme, null, null, null))).isEqualTo("org_revoked");
    }

    @Test
    void everyConsoleAnswerCarriesTheStrictHeaders() throws Exception {
        for (String path : List.of("/console/", "/console/incidents.html", "/console/js/api.js", "/console/session", "/console/nothing.html")) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri(path)).GET().build());
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValue(PageHeadersControl.CSP);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Cross-Origin-Opener-Policy")).as(path).hasValue("same-origin");
        }
        HttpResponse<String> page = gw.send(HttpRequest.newBuilder(gw.adminUri("/console/")).GET().build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).contains("/console/login").doesNotContain("<script>");
        HttpResponse<String> js = gw.send(HttpRequest.newBuilder(gw.adminUri("/console/js/api.js")).GET().build());
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    }

    @Test
    void onlyTheConsoleFolderCanBeNamed() throws Exception {
        for (String path : List.of("/console/../admin/v1/keys", "/console/%2e%2e/%2e%2e/application.yaml", "/console/js/..%2f..%2fdb/migration/V30__console_sessions.sql",
                "/console/js/", "/console/js", "/console/missing.html", "/console/..%5c..%5cpom.xml", "/console/logback.xml", "/console/dev/bastion/Bastion.class",
                "/console/%00.html")) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri("/")).uri(java.net.URI.create(gw.adminUri("").toString() + path)).GET().build());
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).startsWith("{\"error\"");
        }
        HttpResponse<String> post = gw.send(HttpRequest.newBuilder(gw.adminUri("/console/app.css")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private String login(String org, AdminRole role) {
        ConsoleSessions sessions = new ConsoleSessions(gw.store.console(), ConsoleConfig.Session.DEFAULTS, Clock.systemUTC());
        String user = "usr_" + dev.bastion.authn.Credentials.randomBase62(16);
        gw.store.users().insertIfAbsent(new dev.bastion.store.User(user, org, "test-idp", user, role.name(), Instant.now(), Instant.now()));
        return ConsoleSessions.COOKIE + "=" + sessions.open(org, user, "t:" + user, role, "oidc").id();
    }

    private String csrf(String cookie) throws Exception {
        return new JsonObject(admin("GET", "/console/session", cookie, null, null, null).body()).getString("csrf_token");
    }

    private List<Object> incidents(String cookie) throws Exception {
        return new JsonObject(admin("GET", "/admin/v1/incidents", cookie, null, null, null).body()).getJsonArray("items").getList();
    }

    private HttpResponse<String> bootstrap(String token, String from) throws Exception {
        return gw.send(HttpRequest.newBuilder(gw.adminUri("/console/bootstrap")).header("Origin", from).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).encode())).build());
    }

    private HttpResponse<String> admin(String method, String path, String cookie, String csrf, String from, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.adminUri(path)).timeout(Duration.ofSeconds(10));
        if (cookie != null) b.header("Cookie", cookie);
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        if (from != null) b.header("Origin", from);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return gw.send(b.build());
    }

    private void shift(String sql, Duration back, String cookie) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir.resolve("bastion.db")); var ps = c.prepareStatement(sql)) {
            ps.setLong(1, Instant.now().minus(back).toEpochMilli());
            ps.setString(2, dev.bastion.authn.ApiKeys.hash(cookie.substring(cookie.indexOf('=') + 1)));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private List<AuditRow> events(String type) throws Exception {
        Eventually.until("audit events written", () -> !gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 100, true, false).isEmpty());
        return gw.store.audit().search(new AuditRepository.Filter(null, null, null, type, null, null, null), 100, true, false);
    }

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }
}
