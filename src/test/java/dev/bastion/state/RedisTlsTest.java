package dev.bastion.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.RedisConfig;
import dev.bastion.config.SecretRef;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.testing.TestCertificates;
import dev.bastion.testing.TestGateway;
import dev.bastion.testing.TlsRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * D4 against a real Redis serving only TLS (the Debian {@code redis-server}, built with TLS; {@code .ci/run} installs
 * it) with a certificate of the test's own CA for {@code localhost}, and AUTH: the gateway's shared limits work over
 * {@code rediss://} with {@code ca_file}; a server signed by another CA, a host name the certificate does not name,
 * a wrong password and a plaintext client are all refused — and with {@code on_backend_failure: deny} that refusal
 * is a 503, never an unlimited request.
 */
class RedisTlsTest {
    static final String PASSWORD = "s3cret-redis-pass-tls-77";
    static Path dir;
    static TlsRedis redis;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("redis-tls");
        TestCertificates.ca(dir, "test-ca");
        TestCertificates.server(dir, "test-ca", "redis", "DNS:localhost");
        TestCertificates.ca(dir, "other-ca");
        redis = TlsRedis.start(dir, "redis", "test-ca", PASSWORD);
        port = redis.port;
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) redis.close();
    }

    static String yaml(String url, String ca) {
        return """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                redis: { url: "%s", password: env:REDIS_PASSWORD, ca_file: "%s" }
                limits: { per_ip: off, on_backend_failure: deny, backend_timeout: 2s }
                upstreams:
                  app: { url: "{{upstream}}", api_key: env:PROVIDER_KEY }
                routes:
                  - id: limited
                    match: { methods: [GET], path: /v1/models }
                    upstream: app
                    auth: { methods: [api_key] }
                    limits: [{ per: api_key, rate: 2/1m }]
                    tiers: false
                """.formatted(url, dir.resolve(ca + ".pem"));
    }

    static List<Integer> statuses(String url, String ca, String password, int requests) throws Exception {
        try (TestGateway gw = TestGateway.start(yaml(url, ca), 1, Map.of("REDIS_PASSWORD", password))) {
            String key = gw.createKey("acme", "invoke");
            List<Integer> out = new java.util.ArrayList<>();
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> r = gw.get("/v1/models", key);
                if (r.statusCode() != 200 && r.statusCode() != 429) {
                    assertThat(r.body()).contains("request_id").doesNotContain(PASSWORD).doesNotContain("SSL").doesNotContain("Exception");
                }
                out.add(r.statusCode());
            }
            return out;
        }
    }

    @Test
    void limitsAreSharedOverVerifiedTlsWithAuth() throws Exception {
        String url = "rediss://localhost:" + port;
        assertThat(statuses(url, "test-ca", PASSWORD, 3)).containsExactly(200, 200, 429);
        // The counter the gateway kept is in this Redis, read back over TLS with the same client settings.
        Vertx vertx = Vertx.vertx();
        try {
            Redis client = RedisClients.create(vertx, new RedisConfig(URI.create(url), SecretRef.parse("env:REDIS_PASSWORD"), dir.resolve("test-ca.pem"), false),
                    new SecretResolver(Map.of("REDIS_PASSWORD", PASSWORD)));
            long keys = client.send(Request.cmd(Command.DBSIZE)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toLong();
            assertThat(keys).isPositive();
            client.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerSignedByAnotherCaIsRefused() throws Exception {
        assertThat(statuses("rediss://localhost:" + port, "other-ca", PASSWORD, 2)).containsOnly(503);
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefused() throws Exception {
        // The certificate names localhost only: reached as 127.0.0.1 it is somebody else's as far as the client knows.
        assertThat(statuses("rediss://127.0.0.1:" + port, "test-ca", PASSWORD, 2)).containsOnly(503);
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        assertThat(statuses("rediss://localhost:" + port, "test-ca", "not-the-password", 2)).containsOnly(503);
    }
}
