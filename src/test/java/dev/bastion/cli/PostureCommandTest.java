package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion check --posture} (table and JSON, exit codes) and the same check refusing {@code bastion serve} in prod. */
class PostureCommandTest {
    private static final String SECRET = "sk-posture-provider-key-0a1b2c3d";

    /** A config that loads: the public listener exposed without TLS, no master key, no audit sink, a provider key in a file. */
    private static Path exposed(Path dir, String environment, String extra) throws Exception {
        Path key = Files.writeString(dir.resolve("provider.key"), SECRET);
        return Files.writeString(dir.resolve("bastion.yaml"), """
                environment: %s
                listeners:
                  public: { host: 0.0.0.0, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "sqlite:%s" }
                %s
                upstreams:
                  llm: { url: "https://api.example.com", api_key: "file:%s" }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: llm
                    auth: { methods: [api_key] }
                """.formatted(environment, dir.resolve("s.db"), extra, key));
    }

    @Test
    void theTableListsEachFindingWithItsFixAndExitsOneOnAFailure(@TempDir Path dir) throws Exception {
        Run r = CliTest.run("check", "--posture", "--config", exposed(dir, "dev", "").toString());
        assertThat(r.exit()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).endsWith(": ok (1 routes, 1 upstreams, environment dev)");
        assertThat(lines.get(1)).matches("ID +SEVERITY +WHERE +FINDING");
        assertThat(r.out()).containsPattern("BP-TLS-001 +fail +listeners\\.public \\(host 0\\.0\\.0\\.0\\) +public listener reachable")
                .containsPattern("BP-KEY-001 +fail +tokens\\.master_key +development master key")
                .containsPattern("BP-AUDIT-002 +warn +audit\\.sinks")
                .containsPattern("BP-LIMIT-001 +warn +routes\\[0]\\.limits \\(chat\\)")
                .contains("BP-TLS-001: set listeners.public.tls").contains("ASVS 5.0.0 12.2.1")
                .contains("seed 004 Security Checklist: \"TLS 1.2+ enforced everywhere\"")
                .containsPattern("2 fail, 2 warn, 0 info")
                .doesNotContain(SECRET);
    }

    @Test
    void theJsonParsesAndACleanConfigExitsZero(@TempDir Path dir) throws Exception {
        Path config = exposed(dir, "dev", "");
        Run r = CliTest.run("check", "--posture", "--json", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("summary").get("fail").asInt()).isEqualTo(2);
        assertThat(json.get("summary").get("warn").asInt()).isEqualTo(2);
        List<String> ids = new ArrayList<>();
        for (JsonNode f : json.get("findings")) {
            ids.add(f.get("id").asText());
            assertThat(f.fieldNames()).toIterable().containsExactly("id", "severity", "where", "title", "asvs", "seed", "fix");
        }
        assertThat(ids).containsExactly("BP-TLS-001", "BP-KEY-001", "BP-LIMIT-001", "BP-AUDIT-002");
        assertThat(r.out()).doesNotContain(SECRET);

        // Fix all four: loopback, a master key reference, a limit, a sink. Nothing left, exit 0.
        Path clean = exposed(dir, "dev", "tokens: { master_key: env:MASTER }\naudit: { sinks: [{ type: file, path: \"" + dir.resolve("audit.jsonl") + "\" }] }");
        Files.writeString(clean, Files.readString(clean).replace("host: 0.0.0.0", "host: 127.0.0.1")
                .replace("auth: { methods: [api_key] }", "auth: { methods: [api_key] }\n    limits: [{ per: org, rate: 10/1m }]"));
        Run ok = CliTest.run("check", "--posture", "--json", "--config", clean.toString());
        assertThat(ok.exit()).isZero();
        JsonNode none = new ObjectMapper().readTree(ok.out());
        assertThat(none.get("findings")).isEmpty();
        assertThat(none.get("summary").get("fail").asInt()).isZero();
        assertThat(CliTest.run("check", "--posture", "--config", clean.toString()).out()).contains("posture: no findings");
    }

    @Test
    void prodServeRefusesToStartWithTheListOfFailures(@TempDir Path dir) throws Exception {
        // Loads in prod (the master key is named, the store is SQLite), but serves plaintext to the network with no audit trail.
        Path config = exposed(dir, "prod", "tokens: { master_key: env:MASTER }\naudit: { enabled: false }");
        Run r = CliTest.run("serve", "--config", config.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("config error: posture BP-TLS-001 (fail) at listeners.public (host 0.0.0.0): public listener reachable")
                .contains("config error: posture BP-AUDIT-001 (fail) at audit.enabled: audit trail disabled")
                .doesNotContain("BP-LIMIT-001").as("warnings do not refuse").doesNotContain(SECRET);
        assertThat(r.err().lines().filter(l -> l.startsWith("config error: posture")).count()).isEqualTo(2);
    }
}
