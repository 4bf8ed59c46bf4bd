package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.config.AwsCredentialsConfig;
import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import dev.bastion.egress.EgressPolicy;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.SecretsManagerStandIn;
import dev.bastion.testing.HonouredKeys;
import dev.bastion.testing.TestGateway;
import dev.bastion.upstream.auth.SigV4;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code aws-sm:} references through the AWS SDK for Java v2, whose HTTP goes through Bastion's egress
 * connector, against a Secrets Manager stand-in that verifies every request's SigV4 signature.
 */
class AwsSecretsManagerTest {
    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String REGION = "eu-west-1";
    static final String OLD = "sk-aws-old-aaaaaaaaaaaaaaaaaa";
    static final String NEW = "sk-aws-new-bbbbbbbbbbbbbbbbbb";

    Vertx vertx;
    SecretsManagerStandIn sm;
    OutboundConnector connector;
    final List<SecretResolver> resolvers = new ArrayList<>();
    TestGateway gw;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        sm = new SecretsManagerStandIn(vertx, new SigV4.Credentials(KEY_ID, SECRET_KEY, null), REGION);
        connector = new OutboundConnector(vertx, EgressPolicy.of(List.of("127.0.0.1"), List.of()), (e, f) -> {}, new SimpleMeterRegistry());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gw != null) gw.close();
        resolvers.forEach(SecretResolver::close);
        connector.close();
        sm.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    SecretResolver resolver(String keyId, String secretKey, OutboundConnector through) {
        SecretResolver base = new SecretResolver(Map.of("AWS_KEY_ID", keyId, "AWS_SECRET", secretKey));
        SecretsConfig.Aws config = new SecretsConfig.Aws(REGION, URI.create(sm.endpoint()),
                new AwsCredentialsConfig(SecretRef.parse("env:AWS_KEY_ID"), SecretRef.parse("env:AWS_SECRET"), null));
        SecretResolver r = base.withSources(Map.of(SecretRef.Kind.AWS_SM, new AwsSecretsManagerSource(vertx, through, config, Duration.ofSeconds(5), base)),
                Duration.ofSeconds(5));
        resolvers.add(r);
        return r;
    }

    SecretResolver resolver() {
        return resolver(KEY_ID, SECRET_KEY, connector);
    }

    @Test
    void readsTheWholeSecretStringOrAKeyOfItsJsonWithTheVersionAndDate() {
        Instant created = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        String version = sm.putAt("bastion/prod/openai", OLD, created);
        sm.put("bastion/prod/json", "{\"api_key\":\"" + NEW + "\",\"other\":\"x\"}");
        SecretResolver r = resolver();
        SecretResolver.Resolved got = r.await(SecretRef.parse("aws-sm:bastion/prod/openai"), "upstreams.openai.api_key");
        assertThat(got.secret().reveal()).isEqualTo(OLD);
        assertThat(got.version()).isEqualTo(version);
        assertThat(got.changedAt()).isEqualTo(created);
        assertThat(r.resolve(SecretRef.parse("aws-sm:bastion/prod/json#api_key"), "x").reveal()).isEqualTo(NEW);
        assertThat(sm.rejections()).as("every request was signed correctly").isEmpty();
    }

    @Test
    void aMissingSecretOrKeyIsMissingAndAccessOrDecryptionFailuresAreDenied() {
        sm.put("bastion/json", "{\"api_key\":\"" + NEW + "\"}");
        sm.put("bastion/denied", OLD);
        sm.deny("bastion/denied");
        sm.put("bastion/kms", OLD);
        sm.breakDecryption("bastion/kms");
        SecretResolver r = resolver();
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("aws-sm:bastion/nope"), "upstreams.a.api_key"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.MISSING))
                .hasMessageContaining("upstreams.a.api_key").hasMessageContaining("ResourceNotFoundException");
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("aws-sm:bastion/json#nokey"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.MISSING))
                .hasMessageNotContaining(NEW);
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("aws-sm:bastion/denied"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.DENIED))
                .hasMessageContaining("AccessDeniedException");
        assertThatThrownBy(() -> r.resolve(SecretRef.parse("aws-sm:bastion/kms"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.DENIED))
                .hasMessageContaining("DecryptionFailure").hasMessageNotContaining(OLD);
    }

    @Test
    void aWrongSecretKeyIsABadSignatureAndAnUnknownKeyIdIsUnrecognised() {
        sm.put("bastion/k", OLD);
        assertThatThrownBy(() -> resolver(KEY_ID, "wrong-secret-key-0000000000000000000000", connector).resolve(SecretRef.parse("aws-sm:bastion/k"), "x"))
                .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.DENIED))
                .hasMessageContaining("InvalidSignatureException").hasMessageNotContaining("wrong-secret-key");
        assertThatThrownBy(() -> resolver("AKIAUNKNOWNKEY000000", SECRET_KEY, connector).resolve(SecretRef.parse("aws-sm:bastion/k"), "x"))
                .hasMessageContaining("UnrecognizedClientException").hasMessageNotContaining(SECRET_KEY);
        assertThat(sm.rejections()).contains("InvalidSignatureException", "UnrecognizedClientException");
        assertThat(sm.reads("bastion/k")).as("no unsigned request was served").isZero();
    }

    @Test
    void theSdksCallsGoThroughTheEgressPolicy() {
        sm.put("bastion/k", OLD);
        OutboundConnector strict = new OutboundConnector(vertx, EgressPolicy.of(List.of(), List.of()), (e, f) -> {}, new SimpleMeterRegistry());
        try {
            assertThatThrownBy(() -> resolver(KEY_ID, SECRET_KEY, strict).resolve(SecretRef.parse("aws-sm:bastion/k"), "x"))
                    .isInstanceOfSatisfying(SecretResolver.SecretException.class, e -> assertThat(e.reason()).isEqualTo(SecretSource.Reason.UNAVAILABLE))
                    .hasMessageContaining("egress_denied: loopback");
            assertThat(sm.calls()).isZero();
        } finally {
            strict.close();
        }
    }

    @Test
    void aNewVersionRotatesTheKeyUnderLoadWithoutAFailedRequestAndNoLogHoldsASecret() throws Exception {
        sm.put("bastion/prod/openai", "{\"api_key\":\"" + OLD + "\"}");
        try (LogCapture logs = LogCapture.capture()) {
            gw = TestGateway.start("""
                    listeners:
                      public: { host: 127.0.0.1, port: 0 }
                      admin: { host: 127.0.0.1, port: 0 }
                    store: { url: "{{store}}" }
                    secrets:
                      remote_poll_interval: 150ms
                      aws:
                        region: %s
                        endpoint: "%s"
                        credentials: { access_key_id: env:AWS_KEY_ID, secret_access_key: env:AWS_SECRET }
                    upstreams:
                      app:
                        url: "{{upstream}}"
                        api_key: "aws-sm:bastion/prod/openai#api_key"
                    routes:
                      - id: app
                        match: { methods: [GET], path: /app/* }
                        upstream: app
                        strip_prefix: /app
                        auth: { methods: [api_key] }
                    """.formatted(REGION, sm.endpoint()), 1, Map.of("AWS_KEY_ID", KEY_ID, "AWS_SECRET", SECRET_KEY));
            String clientKey = gw.createKey("acme", "invoke");
            new HonouredKeys(gw.upstream, OLD).rotateUnderLoad(gw, "/app/x", clientKey, OLD, NEW,
                    () -> sm.put("bastion/prod/openai", "{\"api_key\":\"" + NEW + "\"}"));
            assertThat(logs.all()).contains("secret upstreams.app.api_key rotated (aws-sm version");
            for (String secret : List.of(OLD, NEW, SECRET_KEY, clientKey)) {
                assertThat(logs.all()).doesNotContain(secret);
                assertThat(String.join("\n", logs.rendered())).doesNotContain(secret);
                assertThat(String.join("\n", gw.accessLines())).doesNotContain(secret);
            }
        }
        assertThat(sm.rejections()).isEmpty();
    }
}
