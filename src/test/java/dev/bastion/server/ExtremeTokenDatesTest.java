package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.config.TokensConfig;
import dev.bastion.testing.FakeIdp;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import dev.bastion.tokens.MasterKey;
import dev.bastion.tokens.SigningKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validly signed tokens whose {@code exp}, {@code nbf} or {@code iat} is a date no clock reaches —
 * 4·10¹⁰ (the year 3237), 10¹², 10³⁰, −10³⁰, {@code Long.MAX_VALUE}. They once got 503
 * {@code control_fault} with an ERROR line each (a cheap way to fill a log); they get their documented
 * 401, or are accepted when only the expiry is far, on every token path: identity-provider JWTs, Bastion
 * access tokens, and subject tokens of a token exchange — twice each, the second time from the cache.
 */
class ExtremeTokenDatesTest {
    static final String BASTION = "https://bastion.test";
    static Vertx idpVertx;
    static FakeIdp idp;
    static TestGateway gw;
    static SigningKeys bastionKeys;
    LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        idpVertx = Vertx.vertx();
        idp = new FakeIdp(idpVertx);
        gw = TestGateway.start("""
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                identity:
                  issuers:
                    - { name: main, issuer: "IDP", jwks_uri: "IDP/keys", audiences: [bastion-api] }
                tokens:
                  issuer: BASTION
                  endpoint: { requests_per_ip: 100000/1m }
                upstreams:
                  app: { url: "{{upstream}}" }
                routes:
                  - { id: idp, match: { methods: [GET], path: /idp }, upstream: app, auth: { methods: [jwt] } }
                  - { id: bastion, match: { methods: [GET], path: /bastion }, upstream: app, auth: { methods: [bastion_token] } }
                """.replace("IDP", idp.issuer()).replace("BASTION", BASTION));
        gw.store.orgs().ensure("acme");
        // Bastion's own signing key, as a stolen one would be used: any claims, a valid signature.
        MasterKey master = MasterKey.fromKeysetJson(Files.readString(gw.dir.resolve("master-key.json")));
        bastionKeys = new SigningKeys(gw.store, master, new TokensConfig(BASTION, null, null, null, null, null, null, null, null, null, null, null),
                Clock.systemUTC());
        bastionKeys.refresh();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        idp.close();
        idpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.capture();
    }

    @AfterEach
    void noFaultWasLogged() {
        logs.close();
        assertThat(logs.errors()).as("ERROR lines").isEmpty();
    }

    /** A far date, as a JSON number: seconds since the epoch. */
    static Arguments at(String name, String claim, Number seconds, String expected) {
        return Arguments.of(name, claim, seconds, expected);
    }

    static Stream<Arguments> identityProviderTokens() {
        return Stream.of(
                at("exp 4·10¹⁰ (the year 3237)", "exp", 40_000_000_000L, "200"),
                at("exp 10¹²", "exp", 1_000_000_000_000L, "200"),
                at("exp 10³⁰", "exp", 1e30, "200"),
                at("exp Long.MAX_VALUE", "exp", Long.MAX_VALUE, "200"),
                at("exp −10³⁰", "exp", -1e30, "401 jwt_expired"),
                at("nbf 10³⁰", "nbf", 1e30, "401 jwt_not_yet_valid"),
                at("nbf −10³⁰", "nbf", -1e30, "200"),
                at("iat 10³⁰", "iat", 1e30, "401 jwt_issued_in_future"),
                at("iat Long.MAX_VALUE", "iat", Long.MAX_VALUE, "401 jwt_issued_in_future"),
                at("iat −10³⁰", "iat", -1e30, "200"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("identityProviderTokens")
    void identityProviderTokens(String name, String claim, Number seconds, String expected) throws Exception {
        String token = idpToken(claim, seconds);
        assertThat(outcome(call("/idp", token))).isEqualTo(expected);
        assertThat(outcome(call("/idp", token))).as("again, from the token cache").isEqualTo(expected);
    }

    static Stream<Arguments> bastionTokens() {
        return Stream.of(
                at("exp 4·10¹⁰ (the year 3237)", "exp", 40_000_000_000L, "401 token_lifetime_too_long"),
                at("exp 10¹²", "exp", 1_000_000_000_000L, "401 token_lifetime_too_long"),
                at("exp 10³⁰", "exp", 1e30, "401 token_lifetime_too_long"),
                at("exp Long.MAX_VALUE", "exp", Long.MAX_VALUE, "401 token_lifetime_too_long"),
                at("exp −10³⁰", "exp", -1e30, "401 token_expired"),
                at("nbf 10³⁰", "nbf", 1e30, "401 token_not_yet_valid"),
                at("nbf −10³⁰", "nbf", -1e30, "200"),
                at("iat 10³⁰", "iat", 1e30, "401 token_issued_in_future"),
                at("iat −10³⁰", "iat", -1e30, "401 token_lifetime_too_long"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bastionTokens")
    void bastionAccessTokens(String name, String claim, Number seconds, String expected) throws Exception {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(BASTION).subject("cli_extreme").audience("bastion").issueTime(new Date(now))
                .notBeforeTime(new Date(now)).expirationTime(new Date(now + 3_600_000)).jwtID(UUID.randomUUID().toString())
                .claim("org", "acme").claim("scope", "invoke").claim(claim, seconds).build();
        SigningKeys.Current key = bastionKeys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.algorithm()).keyID(key.kid()).type(new JOSEObjectType("at+jwt")).build(), claims);
        jwt.sign(key.signer());
        assertThat(outcome(call("/bastion", jwt.serialize()))).isEqualTo(expected);
        assertThat(outcome(call("/bastion", jwt.serialize()))).as("again, from the token cache").isEqualTo(expected);
    }

    static Stream<Arguments> exchangedSubjectTokens() {
        return Stream.of(
                at("exp 4·10¹⁰ (the year 3237)", "exp", 40_000_000_000L, "200"),
                at("exp 10³⁰", "exp", 1e30, "200"),
                at("exp Long.MAX_VALUE", "exp", Long.MAX_VALUE, "200"),
                at("exp −10³⁰", "exp", -1e30, "400 invalid_grant"),
                at("nbf 10³⁰", "nbf", 1e30, "400 invalid_grant"),
                at("iat 10³⁰", "iat", 1e30, "400 invalid_grant"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exchangedSubjectTokens")
    void tokenExchange(String name, String claim, Number seconds, String expected) throws Exception {
        String subject = idpToken(claim, seconds);
        HttpResponse<String> r = gw.send(gw.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=" + subject
                        + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt")).build());
        JsonObject body = new JsonObject(r.body());
        assertThat(r.statusCode() == 200 ? "200" : r.statusCode() + " " + body.getString("error")).as(r.body()).isEqualTo(expected);
        if (r.statusCode() == 200) {
            // Never longer than exchange_ttl (15 minutes), however far the subject token's expiry.
            assertThat(body.getLong("expires_in")).isBetween(1L, 900L);
            assertThat(outcome(call("/bastion", body.getString("access_token")))).isEqualTo("200");
        }
    }

    /** A token of the identity provider, valid but for one date claim. */
    private static String idpToken(String claim, Number seconds) {
        return idp.sign(idp.ec, new JWTClaimsSet.Builder(idp.claims("u-" + UUID.randomUUID(), "bastion-api", "acme").build()).claim(claim, seconds).build());
    }

    private static HttpResponse<String> call(String path, String bearer) throws Exception {
        return gw.send(gw.request(path).header("Authorization", "Bearer " + bearer).GET().build());
    }

    private static String outcome(HttpResponse<String> r) {
        return r.statusCode() == 200 ? "200" : r.statusCode() + " " + new JsonObject(r.body()).getJsonObject("error").getString("code");
    }
}
