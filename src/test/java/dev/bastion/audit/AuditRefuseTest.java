package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * {@code audit.on_failure: refuse}: with the store refusing writes and the spool full, the public listener
 * answers 503 {@code audit_unavailable} before any other work; once the store takes writes again, the spool is
 * stored and requests are served.
 */
class AuditRefuseTest {
    @Test
    void requestsFailClosedWhileNoEventCouldBeKeptAndRecoverAfter() throws Exception {
        String yaml = TestGateway.config("""
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: app
                    auth: { methods: [api_key] }
                audit:
                  on_failure: refuse
                  retry_interval: 100ms
                  flush_interval: 20ms
                  auth_failure_sample: 1000
                  spool: { path: "{{spool}}", max_size: 4KiB }
                """);
        java.nio.file.Path spoolDir = java.nio.file.Files.createTempDirectory("audit-refuse");
        try (TestGateway gw = TestGateway.start(yaml.replace("{{spool}}", spoolDir.resolve("spool.jsonl").toString()))) {
            String key = gw.createKey("acme", "invoke");
            assertThat(gw.postJson("/v1/chat/completions", key, "{}").statusCode()).isEqualTo(200);
            try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + gw.dir.resolve("bastion.db")); Statement s = locker.createStatement()) {
                s.execute("BEGIN EXCLUSIVE"); // the store refuses every write while this is held
                int refusedByAudit = 0;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (refusedByAudit == 0 && System.nanoTime() < deadline) {
                    HttpResponse<String> r = gw.postJson("/v1/chat/completions", "bst_wrong_key_000000000000000000000", "{}");
                    if (r.statusCode() == 503) {
                        assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("audit_unavailable");
                        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
                        refusedByAudit++;
                    } else {
                        assertThat(r.statusCode()).isEqualTo(401);
                        Thread.sleep(20);
                    }
                }
                assertThat(refusedByAudit).as("refused once the spool was full").isPositive();
                assertThat(gw.postJson("/v1/chat/completions", key, "{}").statusCode()).as("a valid caller too").isEqualTo(503);
                s.execute("ROLLBACK");
            }
            Eventually.until("served again", () -> gw.postJson("/v1/chat/completions", key, "{}").statusCode() == 200);
        }
    }
}
