package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.SecretsManagerStandIn;
import dev.bastion.testing.VaultStandIn;
import dev.bastion.upstream.auth.SigV4;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion secrets status} with {@code vault:}, {@code aws-sm:} and per-org references: source, age from the store, state. */
class RemoteSecretsStatusTest {
    @Test
    void remoteReferencesShowTheirSourceAndTheAgeOfTheirCurrentVersion(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (VaultStandIn vault = new VaultStandIn(vertx, true);
             SecretsManagerStandIn sm = new SecretsManagerStandIn(vertx, new SigV4.Credentials("AKIAIOSFODNN7EXAMPLE", "aws-secret-key-status-000000", null), "us-east-1")) {
            String token = vault.token(0, 0, false, null);
            vault.putAt("secret/prod/old", Map.of("value", "sk-vault-old-value-99999999"), Instant.now().minus(100, ChronoUnit.DAYS));
            sm.put("bastion/fresh", "sk-aws-fresh-value-8888888888");
            Files.writeString(dir.resolve("token"), token);
            Files.writeString(dir.resolve("key-id"), "AKIAIOSFODNN7EXAMPLE");
            Files.writeString(dir.resolve("secret-key"), "aws-secret-key-status-000000");
            Path f = dir.resolve("bastion.yaml");
            Files.writeString(f, """
                    store: { url: "sqlite:%s" }
                    secrets:
                      vault: { address: "%s", ca_file: "%s", auth: { token: "file:%s" } }
                      aws: { region: us-east-1, endpoint: "%s", credentials: { access_key_id: "file:%s", secret_access_key: "file:%s" } }
                    upstreams:
                      a: { url: "http://127.0.0.1:9", api_key: "vault:secret/data/prod/old" }
                      b: { url: "http://127.0.0.1:9", api_key: "aws-sm:bastion/fresh" }
                      c: { url: "http://127.0.0.1:9", api_key: "vault:secret/data/prod/{org}/openai#api_key" }
                    routes:
                      - id: chat
                        match: { methods: [POST], path: /v1/chat/completions }
                        upstream: a
                        auth: { methods: [api_key] }
                    """.formatted(dir.resolve("s.db"), vault.address(), vault.caFile(), dir.resolve("token"), sm.endpoint(),
                    dir.resolve("key-id"), dir.resolve("secret-key")));
            CliTest.Run run = CliTest.run("secrets", "status", "--config", f.toString());
            assertThat(run.exit()).as("the vault secret is overdue").isEqualTo(1);
            assertThat(run.out()).containsPattern("upstreams\\.a\\.api_key +vault +100d +90d +\\S+ +overdue")
                    .containsPattern("upstreams\\.b\\.api_key +aws-sm +0m +90d +\\S+ +ok")
                    .containsPattern("upstreams\\.c\\.api_key +vault +- +90d +- +per org")
                    .doesNotContain("sk-vault-old-value").doesNotContain("sk-aws-fresh-value").doesNotContain(token);
            assertThat(sm.rejections()).isEmpty();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
