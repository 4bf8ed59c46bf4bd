package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.testing.TestGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator CLI, against the same store a running gateway uses. */
class CliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void keysCreateListRevokeWhileTheGatewayServes() throws Exception {
        try (TestGateway gw = TestGateway.start(TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                    require: { scopes_all: [invoke] }
                """))) {
            String store = "sqlite:" + gw.dir.resolve("bastion.db");
            Run created = run("keys", "create", "--store", store, "--org", "acme", "--scopes", "invoke,admin", "--name", "ci", "--expires", "90d");
            assertThat(created.exit()).isZero();
            String key = created.out().trim();
            assertThat(key).startsWith("bst_");
            assertThat(created.err()).contains("Created org acme").contains("scopes: admin,invoke").contains("shown only this once")
                    .doesNotContain(key);

            assertThat(gw.postJson("/v1/chat/completions", key, "{}").statusCode()).isEqualTo(200);

            Run listed = run("keys", "list", "--store", store);
            assertThat(listed.exit()).isZero();
            assertThat(listed.out()).contains("acme").contains("ci").contains("active").doesNotContain(key).doesNotContain(key.substring(4, 20));
            String id = listed.out().lines().filter(l -> l.contains(" acme ")).findFirst().orElseThrow().split("\\s+")[0];

            Run revoked = run("keys", "revoke", "--store", store, id);
            assertThat(revoked.exit()).isZero();
            assertThat(revoked.out()).contains("Revoked " + id);
            long deadline = System.nanoTime() + 3_000_000_000L;
            int status;
            do {
                status = gw.postJson("/v1/chat/completions", key, "{}").statusCode();
                if (status == 401) break;
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            assertThat(status).isEqualTo(401);
            assertThat(run("keys", "revoke", "--store", store, id).exit()).isEqualTo(1);
            assertThat(run("keys", "list", "--store", store, "--org", "acme").out()).contains("revoked");
        }
    }

    @Test
    void jsonOutputForScripts(@TempDir Path dir) {
        Run created = run("keys", "create", "--store", "sqlite:" + dir.resolve("s.db"), "--org", "acme", "--scopes", "invoke", "--json");
        assertThat(created.exit()).isZero();
        assertThat(new io.vertx.core.json.JsonObject(created.out()).getString("key")).startsWith("bst_");
    }

    @Test
    void badInputIsAClearErrorNotAStackTrace(@TempDir Path dir) {
        Run bad = run("keys", "create", "--store", "sqlite:" + dir.resolve("s.db"), "--org", "Not Valid", "--scopes", "invoke");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("org id: 'Not Valid'").doesNotContain("at dev.bastion");
        Run badExpiry = run("keys", "create", "--store", "sqlite:" + dir.resolve("s.db"), "--org", "acme", "--scopes", "invoke", "--expires", "soon");
        assertThat(badExpiry.exit()).isEqualTo(1);
        assertThat(badExpiry.err()).contains("'soon' is not a duration");
    }

    @Test
    void checkValidatesConfigAndSecrets(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("provider.key");
        Files.writeString(key, "sk-real-looking-key-123456");
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, """
                store: { url: "sqlite:%s" }
                upstreams:
                  llm: { url: "http://127.0.0.1:9", api_key: "file:%s" }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: llm
                    auth: { methods: [api_key] }
                """.formatted(dir.resolve("s.db"), key));
        Run ok = run("check", "--config", good.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains(": ok (1 routes, 1 upstreams");

        Files.writeString(key, "REPLACE_ME");
        Run placeholder = run("check", "--config", good.toString());
        assertThat(placeholder.exit()).isEqualTo(1);
        assertThat(placeholder.err()).contains("upstreams.llm.api_key").contains("placeholder");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(good).replace("upstream: llm", "upstream: lm"));
        Run bad = run("check", "--config", broken.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("config error: " + broken + ": routes[0].upstream: unknown upstream 'lm' (declared: llm)");

        // A route contract's schema is compiled by check as at start: a broken one names its route.
        Path contract = dir.resolve("contract.yaml");
        Files.writeString(contract, Files.readString(good).replace("    auth: { methods: [api_key] }\n",
                "    auth: { methods: [api_key] }\n    contract: { body: { schema: { type: object, required: title } } }\n"));
        Run schema = run("check", "--config", contract.toString());
        assertThat(schema.exit()).isEqualTo(1);
        assertThat(schema.err()).contains("routes[0] 'chat': contract.body: not a valid JSON Schema 2020-12");

        Files.writeString(key, "sk-real-looking-key-123456");
        Path moderated = dir.resolve("moderated.yaml");
        Files.writeString(moderated, Files.readString(good) + """
                guard:
                  policies:
                    default:
                      classifier: { url: "http://127.0.0.1:9/moderate", format: openai_moderation, api_key: "file:%s", on_failure: deny }
                """.formatted(dir.resolve("missing.key")));
        Run classifier = run("check", "--config", moderated.toString());
        assertThat(classifier.exit()).isEqualTo(1);
        assertThat(classifier.err()).contains("guard.policies.default.classifier.api_key").contains("cannot read");
    }
}
