package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.Bastion;
import dev.bastion.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code bastion console bootstrap} against the store a running gateway uses: the printed link logs in once. */
class ConsoleBootstrapCliTest {
    @Test
    void theCommandPrintsALinkWhoseFragmentLogsInOnceAndRecordsItWithoutTheToken() throws Exception {
        try (TestGateway gw = TestGateway.start(TestGateway.config("""
                  - { id: r, match: { methods: [GET], path: /v1/* }, upstream: app, public: true }
                """))) {
            Path config = gw.dir.resolve("cli.yaml");
            Files.writeString(config, "store: { url: \"sqlite:" + gw.dir.resolve("bastion.db") + "\" }\nconsole: { public_url: \"https://console.example.com\" }\n"
                    + "upstreams: { app: { url: \"http://127.0.0.1:1\" } }\nroutes:\n  - { id: r, match: { methods: [GET], path: /v1/* }, upstream: app, public: true }\n");
            StringWriter out = new StringWriter(), err = new StringWriter();
            int exit = Bastion.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("console", "bootstrap", "--config",
                    config.toString(), "--org", "platform");
            assertThat(exit).as(err.toString()).isZero();
            String link = out.toString().lines().findFirst().orElseThrow();
            assertThat(link).matches("https://console\\.example\\.com/console/bootstrap#[A-Za-z0-9]{43}");
            String token = link.substring(link.indexOf('#') + 1);
            assertThat(gw.store.orgs().find("platform")).as("the org was created").isPresent();

            String origin = "http://127.0.0.1:" + gw.gateway.adminPort(); // the gateway's own config has no public_url
            HttpRequest login = HttpRequest.newBuilder(gw.adminUri("/console/bootstrap")).header("Origin", origin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).encode())).build();
            HttpResponse<String> first = gw.send(login);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(first.body()).getString("org")).isEqualTo("platform");
            assertThat(gw.send(login).statusCode()).isEqualTo(401);
            var created = gw.store.audit().search(new dev.bastion.store.AuditRepository.Filter(null, null, null, "console.bootstrap.created", null, null, null),
                    10, true, false);
            assertThat(created).hasSize(1);
            assertThat(created.getFirst().fields()).contains("expires_at").doesNotContain(token);
            assertThat(Files.readString(gw.dir.resolve("bastion.db"), java.nio.charset.StandardCharsets.ISO_8859_1)).as("only the hash is stored")
                    .doesNotContain(token);
        }
    }
}
