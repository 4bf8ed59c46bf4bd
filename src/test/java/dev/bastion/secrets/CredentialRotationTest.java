package dev.bastion.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.mock.MockLlmServer;
import dev.bastion.testing.Eventually;
import dev.bastion.testing.LogCapture;
import dev.bastion.testing.TestGateway;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * AWS credentials that were read once at start (a restart to rotate them) now rotate like provider keys: the
 * files are re-read, and the next request is signed with the new pair. The Bedrock stand-in verifies every
 * SigV4 signature with its own copy of the credentials, so a request signed with the old pair is refused there.
 */
class CredentialRotationTest {
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";

    @Test
    void rotatedAwsCredentialFilesSignTheNextRequests() throws Exception {
        Vertx mockVertx = Vertx.vertx();
        String oldId = "AKIAROTATEOLD0000001", oldSecret = "old/Secret+0123456789abcdefABCDEFghijkl";
        String newId = "AKIAROTATENEW0000002", newSecret = "new/Secret+9876543210zyxwvuZYXWVUtsrqpo";
        MockLlmServer mock = new MockLlmServer(mockVertx, "127.0.0.1", 0, TestGateway.PROVIDER_KEY, 0).bedrock(oldId, oldSecret, null, "us-east-1");
        mock.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path dir = Files.createTempDirectory("aws-creds");
        write(dir.resolve("id"), oldId);
        write(dir.resolve("secret"), oldSecret);
        try (LogCapture logs = LogCapture.capture();
             TestGateway gw = TestGateway.start(TestGateway.config("""
                       - id: chat
                         match: { methods: [POST], path: /v1/chat/completions }
                         auth: { methods: [api_key] }
                         llm: chat
                     models:
                       haiku:
                         deployments:
                           - { upstream: bedrock, provider: bedrock, model: "%s", region: us-east-1 }
                     secrets: { poll_interval: 100ms }
                     """.formatted(MODEL)).replace("upstreams:\n", "upstreams:\n  bedrock: { url: \"http://127.0.0.1:" + mock.port()
                     + "\", kind: ai, aws_credentials: { access_key_id: \"file:" + dir.resolve("id") + "\", secret_access_key: \"file:"
                     + dir.resolve("secret") + "\" } }\n"))) {
            String key = gw.createKey("acme", "invoke");
            assertThat(chat(gw, key).statusCode()).isEqualTo(200);

            mock.bedrock(newId, newSecret, null, "us-east-1"); // AWS now takes only the new pair
            HttpResponse<String> stale = chat(gw, key);
            assertThat(stale.statusCode()).as("the old pair is refused by the stand-in").isNotEqualTo(200);

            write(dir.resolve("secret"), newSecret);
            write(dir.resolve("id"), newId);
            Eventually.until("requests signed with the new pair", () -> chat(gw, key).statusCode() == 200);
            for (int i = 0; i < 5; i++) assertThat(chat(gw, key).statusCode()).isEqualTo(200);
            assertThat(logs.lines()).anyMatch(l -> l.contains("upstreams.bedrock.aws_credentials.secret_access_key rotated"));
            assertThat(logs.rendered()).noneMatch(l -> l.contains(oldSecret) || l.contains(newSecret));
        } finally {
            mockVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> chat(TestGateway gw, String key) throws Exception {
        return gw.send(gw.request("/v1/chat/completions").header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"haiku\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
    }

    /** As Kubernetes and most tools write a secret: a new file renamed over the old one. */
    private static void write(Path file, String value) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, value);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
