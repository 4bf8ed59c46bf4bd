package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion secrets status}: every reference by place, its age against its max age, and an exit code CI can use. */
class SecretsStatusTest {
    static final String OPENAI = "sk-openai-value-0123456789abcdef";

    Path config(Path dir, String secrets) throws Exception {
        Path openai = dir.resolve("openai");
        Files.writeString(openai, OPENAI);
        Path hmac = dir.resolve("hmac");
        Files.writeString(hmac, "hmac-value-0123456789abcdef");
        Path f = dir.resolve("bastion.yaml");
        Files.writeString(f, """
                store: { url: "sqlite:%s" }
                %s
                upstreams:
                  openai: { url: "http://127.0.0.1:9", api_key: "file:%s", hmac_secret: "file:%s" }
                  other: { url: "http://127.0.0.1:9", api_key: env:OTHER_KEY }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: openai
                    auth: { methods: [api_key] }
                """.formatted(dir.resolve("s.db"), secrets, openai, hmac));
        return f;
    }

    static void age(Path file, Duration age) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    }

    @Test
    void listsEveryReferenceByPlaceWithItsAgeAndNeverAValue(@TempDir Path dir) throws Exception {
        Path f = config(dir, "");
        age(dir.resolve("openai"), Duration.ofDays(10));
        CliTest.Run run = CliTest.run("secrets", "status", "--config", f.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).containsPattern("upstreams\\.openai\\.api_key +file +10d +90d +\\S+ +ok")
                .containsPattern("upstreams\\.openai\\.hmac_secret +file +0m +90d +\\S+ +ok")
                .containsPattern("upstreams\\.other\\.api_key +env +- +90d +- +unknown age")
                .doesNotContain(OPENAI);
    }

    @Test
    void anOverdueSecretFailsTheCommandAndHonoursPerReferenceMaxAge(@TempDir Path dir) throws Exception {
        Path f = config(dir, "secrets: { max_age: 30d, refs: { upstreams.openai.hmac_secret: { max_age: 180d } } }");
        age(dir.resolve("openai"), Duration.ofDays(31));
        age(dir.resolve("hmac"), Duration.ofDays(100));
        CliTest.Run run = CliTest.run("secrets", "status", "--config", f.toString(), "--json");
        assertThat(run.exit()).isEqualTo(1);
        JsonNode rows = new ObjectMapper().readTree(run.out()).get("secrets");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("ref").asText()).isEqualTo("upstreams.openai.api_key");
        assertThat(rows.get(0).get("state").asText()).isEqualTo("overdue");
        assertThat(rows.get(0).get("max_age_seconds").asLong()).isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(rows.get(1).get("ref").asText()).isEqualTo("upstreams.openai.hmac_secret");
        assertThat(rows.get(1).get("state").asText()).isEqualTo("ok");
        assertThat(Instant.parse(rows.get(1).get("rotation_due").asText())).isAfter(Instant.now().plus(Duration.ofDays(79)));
        assertThat(rows.get(2).get("state").asText()).isEqualTo("unknown_age");
    }

    @Test
    void anUnreadableFileFailsTheCommand(@TempDir Path dir) throws Exception {
        Path f = config(dir, "");
        Files.delete(dir.resolve("hmac"));
        CliTest.Run run = CliTest.run("secrets", "status", "--config", f.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsPattern("upstreams\\.openai\\.hmac_secret +file +- +90d +- +unreadable");
    }

    @Test
    void aMaxAgeForAReferenceTheConfigDoesNotHaveIsAConfigError(@TempDir Path dir) throws Exception {
        Path f = config(dir, "secrets: { refs: { upstreams.openia.api_key: { max_age: 30d } } }");
        CliTest.Run run = CliTest.run("secrets", "status", "--config", f.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("secrets.refs: 'upstreams.openia.api_key' is not a secret reference of this config");
    }
}
