package dev.bastion.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.BastionProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * A8 across nodes: two Bastion processes sharing one store and one real Redis. The store poll is set to a
 * minute, so only the Redis broadcast can explain a revocation reaching both nodes within 5 seconds.
 */
class RedisRevocationTest {
    @Test
    void aRevocationFromTheCliReachesEveryNodeWithin5Seconds(@TempDir Path dir) throws Exception {
        int redisPort = BastionProcess.freePort();
        RedisServer redis = new RedisServer(redisPort);
        redis.start();
        int upstreamPort = BastionProcess.freePort();
        int[] ports = {BastionProcess.freePort(), BastionProcess.freePort()};
        int[] admins = {BastionProcess.freePort(), BastionProcess.freePort()};
        Map<String, String> env = Map.of("MOCK_PROVIDER_KEY", "sk-mock-provider-key-8812");
        Process mock = null;
        Process[] nodes = new Process[2];
        try {
            mock = BastionProcess.start(dir, "mock", env, "mock-llm", "--port", Integer.toString(upstreamPort));
            BastionProcess.awaitLine(dir, "mock", mock, "mock-llm listening");
            for (int i = 0; i < 2; i++) {
                Files.writeString(dir.resolve("node" + i + ".yaml"), """
                        listeners:
                          public: { port: %d }
                          admin: { port: %d }
                        store: { url: "sqlite:%s" }
                        redis: { url: "redis://127.0.0.1:%d" }
                        revocation: { poll_interval: 60s }
                        api_keys: { cache_ttl: 60s }
                        upstreams:
                          llm: { url: "http://127.0.0.1:%d", kind: ai }
                        routes:
                          - id: models
                            match: { methods: [GET], path: /v1/models }
                            upstream: llm
                            auth: { methods: [api_key] }
                        """.formatted(ports[i], admins[i], dir.resolve("shared.db"), redisPort, upstreamPort));
            }
            assertThat(BastionProcess.run(dir, "create", env, "keys", "create", "--config", "node0.yaml", "--org", "acme", "--scopes", "invoke")).isZero();
            String key = Files.readString(dir.resolve("create.out")).trim();
            for (int i = 0; i < 2; i++) {
                nodes[i] = BastionProcess.start(dir, "node" + i, env, "serve", "--config", "node" + i + ".yaml");
                BastionProcess.awaitLine(dir, "node" + i, nodes[i], "bastion listening");
            }
            HttpClient http = HttpClient.newHttpClient();
            for (int port : ports) assertThat(status(http, port, key)).isEqualTo(200); // now cached on both nodes for 60s

            String keyId = Files.readString(dir.resolve("node0.out")).replaceAll("(?s).*\"key_id\":\"(key_[A-Za-z0-9]+)\".*", "$1");
            assertThat(keyId).startsWith("key_");
            assertThat(BastionProcess.run(dir, "revoke", env, "revoke", "--config", "node1.yaml", "--key", keyId)).isZero();
            long revokedAt = System.nanoTime();
            for (int port : ports) {
                int s;
                do {
                    s = status(http, port, key);
                    if (s == 401) break;
                    Thread.sleep(100);
                } while (System.nanoTime() - revokedAt < TimeUnit.SECONDS.toNanos(5));
                assertThat(s).as("node on port %d within 5s", port).isEqualTo(401);
            }
            System.out.printf("revocation reached both nodes after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt));
        } finally {
            for (Process p : nodes) if (p != null) p.destroyForcibly();
            if (mock != null) mock.destroyForcibly();
            redis.stop();
        }
    }

    static int status(HttpClient http, int port, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

}
