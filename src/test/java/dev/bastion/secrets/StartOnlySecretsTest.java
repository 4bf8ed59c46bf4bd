package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import dev.bastion.tokens.MasterKey;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret Bastion reads only at start (here the master key) that changes while it runs is not silently
 * ignored: a gauge, one warning and one audit event say a restart is needed — never the value.
 */
class StartOnlySecretsTest {
    @TempDir Path dir;

    @Test
    void aChangedStartOnlySecretAsksForARestart() throws Exception {
        Path master = dir.resolve("master-key.json");
        Files.writeString(master, MasterKey.generateKeysetJson());
        try (LogCapture logs = LogCapture.capture();
             TestGateway gw = TestGateway.start(TestGateway.config("""
                       - id: app
                         match: { methods: [GET], path: /app/* }
                         upstream: app
                         auth: { methods: [api_key] }
                     secrets: { poll_interval: 100ms }
                     tokens: { master_key: "file:%s" }
                     """.formatted(master)))) {
            assertThat(metrics(gw)).contains("bastion_secret_restart_required{ref=\"tokens.master_key\"} 0.0");
            String newKeyset = MasterKey.generateKeysetJson();
            Files.writeString(master, newKeyset);
            Eventually.until("the change is reported", () -> metrics(gw).contains("bastion_secret_restart_required{ref=\"tokens.master_key\"} 1.0"));
            Thread.sleep(300); // a few more polls: still one warning
            assertThat(logs.lines().stream().filter(l -> l.contains("tokens.master_key changed, but it is read only at start")).count()).isEqualTo(1);
            assertThat(logs.lines()).anyMatch(l -> l.contains("secret_restart_required") && l.contains("tokens.master_key"));
            assertThat(logs.rendered()).noneMatch(l -> l.contains(newKeyset.substring(newKeyset.indexOf("value") + 8, newKeyset.indexOf("value") + 40)));
        }
    }

    private static String metrics(TestGateway gw) throws Exception {
        HttpResponse<String> r = gw.send(java.net.http.HttpRequest.newBuilder(gw.adminUri("/metrics")).GET().build());
        return r.body();
    }
}
