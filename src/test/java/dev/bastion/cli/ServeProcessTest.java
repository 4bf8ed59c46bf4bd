package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import dev.bastion.testing.BastionProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion serve} and {@code bastion mock-llm} as real processes: start, serve, stop on SIGTERM, refuse bad config. */
class ServeProcessTest {
    static final Map<String, String> ENV = Map.of("MOCK_PROVIDER_KEY", "sk-mock-provider-key-5566");

    static Process java(Path dir, String name, String... args) throws Exception {
        return BastionProcess.start(dir, name, ENV, args);
    }

    static int freePort() throws Exception {
        return BastionProcess.freePort();
    }

    static void awaitLine(Path dir, String name, Process p, String needle) throws Exception {
        BastionProcess.awaitLine(dir, name, p, needle);
    }

    @Test
    void serveRunsTheConfiguredGatewayAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        int mockPort = freePort(), port = freePort(), adminPort = freePort();
        Process mock = java(dir, "mock", "mock-llm", "--port", Integer.toString(mockPort), "--api-key", "env:MOCK_PROVIDER_KEY");
        Process gw = null;
        try {
            awaitLine(dir, "mock", mock, "mock-llm listening");
            Files.writeString(dir.resolve("bastion.yaml"), """
                    listeners:
                      public: { port: %d }
                      admin: { port: %d }
                    upstreams:
                      llm: { url: "http://127.0.0.1:%d", api_key: env:MOCK_PROVIDER_KEY }
                    routes:
                      - id: models
                        match: { methods: [GET], path: /v1/models }
                        upstream: llm
                        auth: { methods: [api_key] }
                    """.formatted(port, adminPort, mockPort));
            Process create = java(dir, "create", "keys", "create", "--org", "acme", "--scopes", "invoke");
            assertThat(create.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(create.exitValue()).isZero();
            String key = Files.readString(dir.resolve("create.out")).trim();

            gw = java(dir, "serve", "serve", "--config", "bastion.yaml");
            awaitLine(dir, "serve", gw, "bastion listening");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the mock demands the provider key: 200 proves Bastion injected it").isEqualTo(200);
            assertThat(r.body()).contains("mock-gpt-small");
            assertThat(Files.exists(dir.resolve("data/bastion.db"))).isTrue();

            gw.destroy(); // SIGTERM
            assertThat(gw.waitFor(15, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            String access = Files.readString(dir.resolve("serve.out"));
            assertThat(access).contains("\"route\":\"models\"").contains("\"status\":200").doesNotContain(key);
            assertThat(Files.readString(dir.resolve("serve.err"))).doesNotContain(key).doesNotContain("sk-mock-provider-key-5566");
        } finally {
            mock.destroyForcibly();
            if (gw != null) gw.destroyForcibly();
        }
    }

    @Test
    void serveRefusesAPlaceholderProviderKeyAndNamesIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("key"), "REPLACE_ME\n");
        Files.writeString(dir.resolve("bastion.yaml"), """
                listeners:
                  public: { port: 0 }
                  admin: { port: 0 }
                upstreams:
                  openai: { url: "https://api.openai.com", api_key: "file:key" }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: openai
                    auth: { methods: [api_key] }
                """);
        Process p = java(dir, "serve", "serve", "--config", "bastion.yaml");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("serve.err"));
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(err).contains("upstreams.openai.api_key: file:key holds a placeholder").doesNotContain("Exception");
    }
}
