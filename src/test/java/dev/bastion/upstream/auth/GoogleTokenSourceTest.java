package dev.bastion.upstream.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.mock.MockLlmServer;
import dev.bastion.upstream.RequestAuth;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service-account token source: the assertion Google's grant wants, caching until shortly before expiry,
 * a background refresh, one fetch at a time, failures typed and retried — and neither the key, the assertion
 * nor a token in any message. Then over real HTTP against the stand-in's token endpoint, which verifies the
 * assertion with the account's public key.
 */
class GoogleTokenSourceTest {
    static final String EMAIL = "bastion@my-project-1.iam.gserviceaccount.com";
    static KeyPair keys;
    static Vertx vertx;
    static MockLlmServer mock;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        vertx = Vertx.vertx();
        mock = new MockLlmServer(vertx, "127.0.0.1", 0, null, 0);
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        mock.vertexAccount(EMAIL, (RSAPublicKey) keys.getPublic(), tokenUri(), 3599);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String tokenUri() {
        return "http://127.0.0.1:" + mock.port() + "/token";
    }

    static String keyJson(KeyPair pair, String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return "{\"type\":\"service_account\",\"project_id\":\"my-project-1\",\"private_key_id\":\"kid-1\",\"private_key\":" + quoted(pem)
                + ",\"client_email\":\"" + EMAIL + "\",\"token_uri\":\"" + tokenUri + "\"}";
    }

    static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A token endpoint that answers when the test says, counting posts. */
    static final class FakeEndpoint implements GoogleTokenSource.TokenEndpoint {
        final List<Promise<Answer>> posts = new ArrayList<>();
        final List<String> forms = new ArrayList<>();

        @Override
        public Future<Answer> post(URI tokenUri, String form) {
            Promise<Answer> p = Promise.promise();
            posts.add(p);
            forms.add(form);
            return p.future();
        }

        void answer(int i, int status, String json) {
            posts.get(i).complete(new Answer(status, Buffer.buffer(json)));
        }
    }

    static GoogleTokenSource source(FakeEndpoint endpoint, Clock clock) {
        return new GoogleTokenSource(GoogleTokenSource.ServiceAccountKey.parse(keyJson(keys, "https://oauth2.googleapis.com/token")), endpoint, clock, "upstreams.vertex");
    }

    @Test
    void theAssertionIsGooglesJwtBearerGrant() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint();
        TestClock clock = new TestClock();
        source(endpoint, clock).token();
        String form = endpoint.forms.getFirst();
        assertThat(form).startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
        SignedJWT jwt = SignedJWT.parse(URLDecoder.decode(form.substring(form.indexOf("assertion=") + 10), StandardCharsets.UTF_8));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("kid-1");
        assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))).isTrue();
        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(EMAIL);
        assertThat(c.getAudience()).containsExactly("https://oauth2.googleapis.com/token");
        assertThat(c.getStringClaim("scope")).isEqualTo(GoogleTokenSource.SCOPE);
        assertThat(c.getIssueTime().toInstant()).isEqualTo(clock.now);
        assertThat(Duration.between(c.getIssueTime().toInstant(), c.getExpirationTime().toInstant())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aTokenIsKeptRefreshedInTheBackgroundAndWaitedForOnlyAtTheEnd() {
        FakeEndpoint endpoint = new FakeEndpoint();
        TestClock clock = new TestClock();
        GoogleTokenSource s = source(endpoint, clock);
        Future<String> first = s.token();
        Future<String> second = s.token();
        assertThat(endpoint.posts).as("one fetch for both").hasSize(1);
        endpoint.answer(0, 200, "{\"access_token\":\"ya29.one\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        assertThat(first.result()).isEqualTo("ya29.one");
        assertThat(second.result()).isEqualTo("ya29.one");
        clock.now = clock.now.plus(Duration.ofMinutes(50));
        assertThat(s.token().result()).isEqualTo("ya29.one");
        assertThat(endpoint.posts).as("kept until 5 minutes before expiry").hasSize(1);
        clock.now = clock.now.plus(Duration.ofMinutes(6)); // 4 minutes left
        assertThat(s.token().result()).as("still valid: used while a refresh runs").isEqualTo("ya29.one");
        assertThat(s.token().result()).isEqualTo("ya29.one");
        assertThat(endpoint.posts).as("one background refresh").hasSize(2);
        endpoint.answer(1, 200, "{\"access_token\":\"ya29.two\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        assertThat(s.token().result()).isEqualTo("ya29.two");
        clock.now = clock.now.plus(Duration.ofMinutes(59)).plusSeconds(30); // 29 s left: too little to use
        Future<String> waiting = s.token();
        assertThat(waiting.isComplete()).isFalse();
        endpoint.answer(2, 200, "{\"access_token\":\"ya29.three\",\"expires_in\":3599}");
        assertThat(waiting.result()).isEqualTo("ya29.three");
    }

    @Test
    void aRotatedKeyMintsTheNextTokenWhileRequestsGoOnWithTheOldOne() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair second = g.generateKeyPair();
        AtomicReference<dev.bastion.secrets.Secret> file = new AtomicReference<>(dev.bastion.secrets.Secret.of(keyJson(keys, "https://oauth2.googleapis.com/token")));
        FakeEndpoint endpoint = new FakeEndpoint();
        TestClock clock = new TestClock();
        GoogleTokenSource s = (GoogleTokenSource) GoogleTokenSource.forUpstream(file::get, endpoint, clock, "upstreams.vertex").forDeployment(null);
        Future<String> first = s.token();
        endpoint.answer(0, 200, "{\"access_token\":\"ya29.old-key\",\"expires_in\":3599}");
        assertThat(first.result()).isEqualTo("ya29.old-key");

        file.set(dev.bastion.secrets.Secret.of(keyJson(second, "https://oauth2.googleapis.com/token").replace("kid-1", "kid-2")));
        assertThat(s.token().result()).as("no request waits for the new key's token").isEqualTo("ya29.old-key");
        assertThat(endpoint.posts).as("one background fetch, signed with the new key").hasSize(2);
        SignedJWT assertion = SignedJWT.parse(URLDecoder.decode(endpoint.forms.get(1).substring(endpoint.forms.get(1).indexOf("assertion=") + 10), StandardCharsets.UTF_8));
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("kid-2");
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) second.getPublic()))).isTrue();
        endpoint.answer(1, 200, "{\"access_token\":\"ya29.new-key\",\"expires_in\":3599}");
        assertThat(s.token().result()).isEqualTo("ya29.new-key");
        assertThat(endpoint.posts).as("kept again until it is due").hasSize(2);

        // A broken rotated file keeps the key in use; nothing is fetched for it.
        file.set(dev.bastion.secrets.Secret.of("{\"type\":\"service_account\"}"));
        assertThat(s.token().result()).isEqualTo("ya29.new-key");
        assertThat(endpoint.posts).hasSize(2);
    }

    @Test
    void aFailureIsTypedSaysNothingSecretAndTheNextRequestTriesAgain() {
        FakeEndpoint endpoint = new FakeEndpoint();
        GoogleTokenSource s = source(endpoint, new TestClock());
        Future<String> failed = s.token();
        endpoint.answer(0, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature. ya29.secret-echo\"}");
        assertThat(failed.cause()).isInstanceOf(RequestAuth.AuthFailure.class).hasMessage("upstreams.vertex: the token endpoint answered 400 (invalid_grant)");
        assertThat(failed.cause().getMessage()).doesNotContain("ya29").doesNotContain("assertion").doesNotContain("eyJ");
        Future<String> retried = s.token();
        assertThat(endpoint.posts).hasSize(2);
        endpoint.answer(1, 200, "{\"access_token\":\"ya29.ok\",\"expires_in\":100}");
        assertThat(retried.result()).isEqualTo("ya29.ok");
        // Answers that are not a token.
        for (String bad : List.of("{\"expires_in\":10}", "{\"access_token\":\"x\",\"token_type\":\"mac\"}", "not json", "{\"access_token\":\"x\",\"expires_in\":0}")) {
            FakeEndpoint e = new FakeEndpoint();
            Future<String> f = source(e, new TestClock()).token();
            e.answer(0, 200, bad);
            assertThat(f.cause()).as(bad).isInstanceOf(RequestAuth.AuthFailure.class);
            assertThat(f.cause().getMessage()).doesNotContain("\"x\"");
        }
    }

    @Test
    void theKeyIsCheckedAtStartAndNeverEchoed() {
        String good = keyJson(keys, "https://oauth2.googleapis.com/token");
        assertThat(GoogleTokenSource.ServiceAccountKey.parse(good).toString()).doesNotContain("PRIVATE").contains(EMAIL);
        assertThatThrownBy(() -> GoogleTokenSource.ServiceAccountKey.parse(good.replace("https://oauth2", "http://oauth2")))
                .hasMessageContaining("token_uri: must be https");
        assertThat(GoogleTokenSource.ServiceAccountKey.parse(good.replace("https://oauth2.googleapis.com", "http://127.0.0.1:9")).tokenUri().getPort()).isEqualTo(9);
        String brokenKey = good.replaceAll("\"private_key\":\"[^\"]+\"", "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\\\nc2VjcmV0LWtleS1ieXRlcw==\\\\n-----END PRIVATE KEY-----\"");
        assertThatThrownBy(() -> GoogleTokenSource.ServiceAccountKey.parse(brokenKey)).hasMessage("private_key: not a PKCS#8 RSA private key");
        assertThatThrownBy(() -> GoogleTokenSource.ServiceAccountKey.parse("{\"type\":\"authorized_user\",\"refresh_token\":\"1//secret\"}"))
                .hasMessage("type: not service_account");
        assertThatThrownBy(() -> GoogleTokenSource.ServiceAccountKey.parse("sk-live-not-json")).hasMessageNotContaining("sk-live");
    }

    // --- over real HTTP, against the stand-in's token endpoint

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theStandInsTokenEndpointIssuesATokenVertexAccepts() throws Exception {
        OutboundConnector connector = new dev.bastion.egress.OutboundConnector(vertx, dev.bastion.egress.EgressPolicy.of(java.util.List.of("127.0.0.1"), java.util.List.of()), dev.bastion.observe.AuditLog.toLogger(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        GoogleTokenSource s = new GoogleTokenSource(GoogleTokenSource.ServiceAccountKey.parse(keyJson(keys, tokenUri())),
                GoogleTokenSource.connectorEndpoint(connector), Clock.systemUTC(), "upstreams.vertex");
        int before = mock.googleGrants();
        AtomicReference<Future<Void>> applied = new AtomicReference<>();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        vertx.runOnContext(v -> applied.set(s.apply(new RequestAuth.Outgoing("POST", "/x", headers, null))));
        while (applied.get() == null) Thread.sleep(5);
        await(applied.get());
        assertThat(headers.get("Authorization")).startsWith("Bearer ya29.mock-");
        String token = headers.get("Authorization");
        vertx.runOnContext(v -> applied.set(s.apply(new RequestAuth.Outgoing("POST", "/x", headers, null))));
        Thread.sleep(50);
        await(applied.get());
        assertThat(mock.googleGrants() - before).as("the second request used the kept token").isEqualTo(1);
        String path = "/v1/projects/my-project-1/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}]}";
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + path)).header("Authorization", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("Hello from Bastion's mock model.");
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + path))
                .header("Authorization", "Bearer ya29.mock-forged").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("UNAUTHENTICATED");
        await(connector.close());
    }

    @Test
    void anAssertionSignedByAnotherKeyIsAnInvalidGrant() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        OutboundConnector connector = new dev.bastion.egress.OutboundConnector(vertx, dev.bastion.egress.EgressPolicy.of(java.util.List.of("127.0.0.1"), java.util.List.of()), dev.bastion.observe.AuditLog.toLogger(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        GoogleTokenSource s = new GoogleTokenSource(GoogleTokenSource.ServiceAccountKey.parse(keyJson(g.generateKeyPair(), tokenUri())),
                GoogleTokenSource.connectorEndpoint(connector), Clock.systemUTC(), "upstreams.vertex");
        AtomicReference<Future<String>> f = new AtomicReference<>();
        vertx.runOnContext(v -> f.set(s.token()));
        while (f.get() == null) Thread.sleep(5);
        assertThatThrownBy(() -> await(f.get())).hasCauseInstanceOf(RequestAuth.AuthFailure.class).hasMessageContaining("(invalid_grant)");
        await(connector.close());
    }
}
