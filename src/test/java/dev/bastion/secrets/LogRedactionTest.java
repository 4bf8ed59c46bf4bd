package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The log writers' last line of defence (K3): a gateway run with a rotation, in which a careless log call
 * and a client that pastes the key into a URL put secret values into the diagnostics and the access log.
 * Every line as written — the JSON diagnostics and the access lines — is searched for every value.
 */
class LogRedactionTest {
    static final String OLD = "sk-redact-old-1111222233334444";
    static final String NEW = "sk-redact-new-5555666677778888";

    @Test
    void noLineAGatewayWritesHoldsASecretValueBeforeOrAfterARotation(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("openai");
        Files.writeString(key, OLD);
        List<String> sent = new CopyOnWriteArrayList<>();
        try (LogCapture logs = LogCapture.capture();
             TestGateway gw = TestGateway.start("""
                     listeners:
                       public: { host: 127.0.0.1, port: 0 }
                       admin: { host: 127.0.0.1, port: 0 }
                     store: { url: "{{store}}" }
                     secrets: { poll_interval: 100ms }
                     upstreams:
                       app: { url: "{{upstream}}", api_key: "file:%s" }
                     routes:
                       - id: app
                         match: { methods: [GET], path: /app/* }
                         upstream: app
                         strip_prefix: /app
                         auth: { methods: [api_key] }
                     """.formatted(key))) {
            gw.upstream.behave(req -> {
                sent.add(req.getHeader("Authorization"));
                req.response().end("{}");
            });
            String client = gw.createKey("acme", "invoke");
            // The bugs this defends against: a value logged by hand, and a key pasted into a URL.
            LoggerFactory.getLogger("careless").warn("calling upstream with key {}", OLD);
            assertThat(gw.get("/app/" + OLD, client).statusCode()).isEqualTo(200);

            Path tmp = dir.resolve(".openai.tmp");
            Files.writeString(tmp, NEW);
            Files.move(tmp, key, StandardCopyOption.ATOMIC_MOVE);
            Eventually.until("the rotated key is sent", () -> {
                gw.get("/app/x", client);
                return sent.getLast().equals("Bearer " + NEW);
            });
            LoggerFactory.getLogger("careless").error("failed with key " + NEW, new IllegalStateException("bad key " + NEW));
            assertThat(gw.get("/app/" + NEW, client).statusCode()).isEqualTo(200);
            // The access log never holds a query string; a path is logged, so a key pasted into one must be redacted.
            Eventually.until("both pasted-key lines are written", () -> gw.accessLines().stream().filter(l -> l.contains("/app/[REDACTED]")).count() == 2);

            List<String> written = new ArrayList<>(logs.rendered());
            written.addAll(gw.accessLines());
            for (String secret : List.of(OLD, NEW, client)) {
                assertThat(written).as("lines holding a secret value").noneMatch(l -> l.contains(secret));
            }
            assertThat(logs.rendered()).anyMatch(l -> l.contains("calling upstream with key [REDACTED]"))
                    .anyMatch(l -> l.contains("failed with key [REDACTED]") && l.contains("bad key [REDACTED]"));
            String metrics = gw.send(HttpRequest.newBuilder(gw.adminUri("/metrics")).build()).body();
            assertThat(metrics).containsPattern("bastion_log_redactions_total(\\{[^}]*\\})? [1-9]");
        }
    }
}
