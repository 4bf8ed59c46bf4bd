package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.OidcProvider;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Console login through a real OIDC provider stand-in over loopback, every redirect followed by hand: the happy path
 * for both roles, and each way a login must fail — forged, reused, foreign-browser and expired state, a mix-up
 * {@code iss}, a wrong nonce, audience or issuer in the ID token, a stolen code redeemed without its PKCE verifier, a
 * code used twice at the provider, a user with no console role or of an unknown org.
 */
class ConsoleOidcLoginTest {
    /** A gateway whose console logs in through the stand-in ({@code IDP}: its issuer), shared with {@link ConsoleBrowserTest}. */
    static final String YAML = """
            listeners:
              public: { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            store: { url: "{{store}}" }
            upstreams:
              app: { url: "{{upstream}}" }
            routes:
              - { id: app, match: { methods: [GET], path: /v1/* }, upstream: app, public: true }
            """ + ConsoleOidcLoginTest.CONSOLE;
    /** The console's block: the OIDC stand-in (IDP replaced by its issuer), its groups claim mapped to both roles. */
    static final String CONSOLE = """
            console:
              oidc:
                issuer: "IDP"
                client_id: bastion-console
                client_secret: env:CONSOLE_SECRET
                roles: { claim: groups, operator: [platform-ops], org_admin: [org-admins] }
            """;

    private Vertx idpVertx;
    private OidcProvider idp;
    private TestGateway gw;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new OidcProvider(idpVertx);
        gw = TestGateway.start(YAML.replace("IDP", idp.issuer()), 1, Map.of("CONSOLE_SECRET", OidcProvider.CLIENT_SECRET));
        gw.store.orgs().ensure("ops");
        gw.store.orgs().ensure("acme");
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) gw.close();
        idp.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get();
        http.close();
    }

    /** A login begun: the browser's pre-login cookie, and the IdP's redirect back (code, state, iss). */
    private record Started(String loginCookie, URI callback) {
        Map<String, String> params() {
            Map<String, String> out = new HashMap<>();
            for (String p : callback.getRawQuery().split("&")) out.put(p.substring(0, p.indexOf('=')), URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8));
            return out;
        }
    }

    private Started begin() throws Exception {
        HttpResponse<String> login = get(gw.adminUri("/console/login"), null);
        assertThat(login.statusCode()).isEqualTo(303);
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(idp.issuer() + "/authorize?").contains("code_challenge_method=S256", "nonce=", "state=");
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "Secure", "SameSite=Lax");
        HttpResponse<String> approved = get(authorize, null);
        assertThat(approved.statusCode()).isEqualTo(302);
        return new Started(setCookie.substring(0, setCookie.indexOf(';')), URI.create(approved.headers().firstValue("Location").orElseThrow()));
    }

    private HttpResponse<String> finish(Started s) throws Exception {
        return get(s.callback(), s.loginCookie());
    }

    private String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleSessions.COOKIE + "=")).findFirst()
                .map(c -> c.substring(0, c.indexOf(';'))).orElse(null);
    }

    @Test
    void anOperatorLogsInThroughTheIdpAndGetsASessionWithTheOperatorRole() throws Exception {
        Started s = begin();
        assertThat(s.callback().toString()).startsWith("http://127.0.0.1:" + gw.gateway.adminPort() + "/console/callback?");
        HttpResponse<String> done = finish(s);
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValue("/console/overview.html");
        String cookie = sessionCookie(done);
        JsonObject session = new JsonObject(get(gw.adminUri("/console/session"), cookie).body());
        assertThat(session.getString("role")).isEqualTo("operator");
        assertThat(session.getString("org")).isEqualTo("ops");
        List<AuditRow> logins = events("console.login", 1);
        assertThat(logins.getFirst().fields()).contains("\"method\":\"oidc\"").doesNotContain(s.params().get("code"));
        String cookieValue = cookie.substring(cookie.indexOf('=') + 1), loginValue = s.loginCookie().substring(s.loginCookie().indexOf('=') + 1);
        for (String line : gw.accessLines()) {
            assertThat(line).as("no code, state, session or pre-login cookie in an access line")
                    .doesNotContain(s.params().get("code"), s.params().get("state"), cookieValue, loginValue);
        }
    }

    @Test
    void anOrgAdminGroupMapsToTheOrgAdminRoleOfTheOrgClaim() throws Exception {
        idp.user = Map.of("sub", "bob", "groups", List.of("org-admins", "other"), "org_id", "acme");
        String cookie = sessionCookie(finish(begin()));
        JsonObject session = new JsonObject(get(gw.adminUri("/console/session"), cookie).body());
        assertThat(session.getString("role")).isEqualTo("org_admin");
        assertThat(session.getString("org")).isEqualTo("acme");
        assertThat(session.getJsonArray("scopes").getList()).containsExactly("admin");
    }

    @Test
    void aUserWithoutAConsoleRoleOrOfAnUnknownOrgIsSentToTheNotAuthorizedNotice() throws Exception {
        idp.user = Map.of("sub", "carol", "groups", List.of("engineers"), "org_id", "acme");
        HttpResponse<String> noRole = finish(begin());
        assertThat(noRole.statusCode()).isEqualTo(303);
        assertThat(noRole.headers().firstValue("Location")).hasValue("/console/?error=not_authorized");
        assertThat(sessionCookie(noRole)).isNull();
        idp.user = Map.of("sub", "dave", "groups", List.of("platform-ops"), "org_id", "nowhere");
        HttpResponse<String> noOrg = finish(begin());
        assertThat(noOrg.headers().firstValue("Location")).hasValue("/console/?error=not_authorized");
        assertThat(sessionCookie(noOrg)).isNull();
        assertThat(events("console.login_refused", 2)).hasSize(2);
    }

    @Test
    void aStateIsUsedOnceInTheBrowserThatStartedTheLoginAndOnlyWhileFresh() throws Exception {
        Started s = begin();
        assertThat(finish(s).statusCode()).isEqualTo(303);
        HttpResponse<String> replay = finish(s);
        assertThat(replay.statusCode()).as("reused state").isEqualTo(400);
        assertThat(code(replay)).isEqualTo("login_state_invalid");

        Started mine = begin(), theirs = begin();
        HttpResponse<String> foreign = get(theirs.callback(), mine.loginCookie());
        assertThat(foreign.statusCode()).as("another browser's state (login CSRF)").isEqualTo(400);
        assertThat(finish(theirs).statusCode()).as("the state was spent by the refused attempt").isEqualTo(400);

        String forgedState = dev.bastion.authn.Credentials.randomBase62(43);
        Started forged = begin();
        HttpResponse<String> f = get(URI.create(forged.callback().toString().replaceAll("state=[^&]+", "state=" + forgedState)), forged.loginCookie());
        assertThat(f.statusCode()).as("forged state").isEqualTo(400);

        Started late = begin();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir.resolve("bastion.db"));
             var ps = c.prepareStatement("UPDATE console_logins SET expires_at = ?")) {
            ps.setLong(1, System.currentTimeMillis() - 1);
            ps.executeUpdate();
        }
        assertThat(finish(late).statusCode()).as("expired state").isEqualTo(400);
        assertThat(get(gw.adminUri("/console/callback?code=x"), mine.loginCookie()).statusCode()).as("no state").isEqualTo(400);
    }

    @Test
    void anAuthorizationResponseNamingAnotherIssuerIsNotRedeemed() throws Exception {
        idp.responseIssuer = "https://evil.example";
        HttpResponse<String> r = finish(begin());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(code(r)).isEqualTo("login_issuer_mismatch");
        assertThat(idp.tokenCalls.get()).as("the code never reached the token endpoint").isZero();
    }

    @Test
    void anIdTokenWithAWrongNonceAudienceIssuerOrAzpIsRefused() throws Exception {
        Map<String, java.util.function.UnaryOperator<com.nimbusds.jwt.JWTClaimsSet.Builder>> forgeries = Map.of(
                "nonce", b -> b.claim("nonce", "replayed-nonce"),
                "aud", b -> b.audience("another-app"),
                "iss", b -> b.issuer("https://evil.example"),
                "azp", b -> b.audience(List.of(OidcProvider.CLIENT_ID, "another-app")).claim("azp", "another-app"),
                "exp", b -> b.expirationTime(new Date(System.currentTimeMillis() - 600_000)),
                "iat", b -> b.issueTime(new Date(System.currentTimeMillis() + 600_000)));
        for (var forgery : forgeries.entrySet()) {
            idp.tamper = forgery.getValue();
            HttpResponse<String> r = finish(begin());
            assertThat(r.statusCode()).as(forgery.getKey()).isEqualTo(401);
            assertThat(code(r)).as(forgery.getKey()).isEqualTo("login_token_invalid");
            assertThat(sessionCookie(r)).as(forgery.getKey()).isNull();
        }
    }

    @Test
    void aStolenCodeInjectedIntoAnotherLoginFailsPkceAndACodeIsRedeemedOnce() throws Exception {
        Started victim = begin();
        Started attacker = begin();
        String stolenCode = victim.params().get("code");
        URI injected = URI.create(attacker.callback().toString().replaceAll("code=[^&]+", "code=" + stolenCode));
        HttpResponse<String> r = get(injected, attacker.loginCookie());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(idp.lastTokenRefusal).isEqualTo("invalid_grant: PKCE");

        Started s = begin();
        assertThat(finish(s).statusCode()).isEqualTo(303);
        String browser = s.loginCookie().substring(s.loginCookie().indexOf('=') + 1);
        String verifier = OidcLogin.derive("pkce", browser, s.params().get("state"));
        String basic = java.util.Base64.getEncoder().encodeToString((OidcProvider.CLIENT_ID + ":" + OidcProvider.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + "/token")).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code="
                        + s.params().get("code") + "&code_verifier=" + verifier + "&redirect_uri=" + java.net.URLEncoder.encode(
                        "http://127.0.0.1:" + gw.gateway.adminPort() + "/console/callback", StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as("the code's second redemption at the stand-in").isEqualTo(400);
        assertThat(again.body()).contains("invalid_grant");
    }

    private HttpResponse<String> get(URI uri, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The events of a type once at least {@code count} are written: the trail is written off the request path. */
    private List<AuditRow> events(String type, int count) throws Exception {
        AuditRepository.Filter f = new AuditRepository.Filter(null, null, null, type, null, null, null);
        Eventually.until(count + " audit events written", () -> gw.store.audit().search(f, 100, true, false).size() >= count);
        return gw.store.audit().search(f, 100, true, false);
    }

    private static String code(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }
}
