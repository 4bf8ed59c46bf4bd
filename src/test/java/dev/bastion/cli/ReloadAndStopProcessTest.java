package dev.bastion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.config.StoreConfig;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.store.AuditRepository;
import dev.bastion.store.AuditRow;
import dev.bastion.store.Store;
import dev.bastion.testing.BastionProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bastion serve} as a real process with streams in flight: SIGHUP reloads the config file, a broken file is
 * refused and the running routes stay; SIGTERM drains — readiness false, new connections refused, a stream that ends
 * within {@code drain_timeout} completes, one that does not is cut at the deadline — and the audit queue is stored
 * before the process exits.
 */
class ReloadAndStopProcessTest {
    private static final Map<String, String> ENV = ServeProcessTest.ENV;
    private final HttpClient http = HttpClient.newHttpClient();
    private int mockPort, port, adminPort;
    private Process mock, gw;

    @AfterEach
    void stop() {
        if (mock != null) mock.destroyForcibly();
        if (gw != null) gw.destroyForcibly();
    }

    /** The mock provider (with {@code mockArgs}) and {@code bastion serve} (with {@code serveArgs}) on the base config; an invoke key. */
    private List<String> launcher = List.of();

    private String serve(Path dir, List<String> mockArgs, String... serveArgs) throws Exception {
        mockPort = BastionProcess.freePort();
        port = BastionProcess.freePort();
        adminPort = BastionProcess.freePort();
        List<String> m = new java.util.ArrayList<>(List.of("mock-llm", "--port", Integer.toString(mockPort), "--api-key", "env:MOCK_PROVIDER_KEY"));
        m.addAll(mockArgs);
        mock = BastionProcess.start(dir, "mock", ENV, m.toArray(String[]::new));
        BastionProcess.awaitLine(dir, "mock", mock, "mock-llm listening");
        Files.writeString(dir.resolve("bastion.yaml"), yaml(port, adminPort, mockPort, ""));
        String key = createKey(dir);
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--config", "bastion.yaml"));
        args.addAll(List.of(serveArgs));
        gw = BastionProcess.start(dir, "serve", ENV, launcher, args.toArray(String[]::new));
        BastionProcess.awaitLine(dir, "serve", gw, "bastion listening");
        return key;
    }

    private static final String MODELS = """
              - id: models
                match: { methods: [GET], path: /v1/models }
                upstream: llm
                auth: { methods: [api_key] }
            """;

    private static String yaml(int port, int adminPort, int mockPort, String moreRoutes) {
        return """
                listeners:
                  public: { port: %d, drain_timeout: 3s }
                  admin: { port: %d }
                audit: { flush_interval: 60s, node: drain-test }
                secrets: { poll_interval: 200ms }
                upstreams:
                  llm: { url: "http://127.0.0.1:%d", api_key: env:MOCK_PROVIDER_KEY }
                routes:
                  - id: chat
                    match: { methods: [POST], path: /v1/chat/completions }
                    upstream: llm
                    auth: { methods: [api_key] }
                """.formatted(port, adminPort, mockPort) + moreRoutes;
    }

    private static String createKey(Path dir) throws Exception {
        return createKey(dir, "invoke");
    }

    private static String createKey(Path dir, String scope) throws Exception {
        assertThat(BastionProcess.run(dir, "create-" + scope, ENV, "keys", "create", "--org", "acme", "--scopes", scope)).isZero();
        return Files.readString(dir.resolve("create-" + scope + ".out")).trim();
    }

    private HttpRequest chat(int port, String path, String key, int maxTokens) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-gpt-small\",\"stream\":true,\"max_tokens\":" + maxTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")).build();
    }

    @Test
    void underNohupServeSaysThatSighupCannotReloadAndBastionReloadStillCan(@TempDir Path dir) throws Exception {
        launcher = List.of("nohup");
        String key = serve(dir, List.of(), "--no-watch");
        BastionProcess.awaitLine(dir, "serve", gw, "SIGHUP is ignored by this process");
        Files.writeString(dir.resolve("bastion.yaml"), yaml(port, adminPort, mockPort, MODELS));
        hup(gw);
        // the signal did nothing (and did not stop the process); the admin API's reload does what it would have
        assertThat(models(port, key)).isEqualTo(404);
        assertThat(gw.isAlive()).isTrue();
        Map<String, String> env = Map.of("BASTION_ADMIN_KEY", createKey(dir, "operator"));
        assertThat(BastionProcess.run(dir, "reload", env, "reload", "--admin", "http://127.0.0.1:" + adminPort)).isZero();
        assertThat(models(port, key)).isEqualTo(200);
    }

    /** Whether this process ignores SIGHUP (signal 1: bit 0 of the SigIgn mask in /proc/self/status). */
    private static boolean hupIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return false;
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:"))
                .anyMatch(l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 1L) != 0);
    }

    private static void hup(Process p) throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
    }

    private int status(int port, String path, String key) throws Exception {
        return http.send(chat(port, path, key, 1), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int models(int port, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
        dev.bastion.testing.Eventually.until(what, done);
    }

    @Test
    void sighupReloadsTheFileAndABrokenFileLeavesTheRunningRoutes(@TempDir Path dir) throws Exception {
        // A child inherits an ignored HUP (a suite started under nohup), and a JVM cannot handle an ignored HUP.
        org.junit.jupiter.api.Assumptions.assumeFalse(hupIgnoredHere(), "SKIPPED: SIGHUP is ignored in this test JVM (started under nohup?), so no child can handle it");
        String key = serve(dir, List.of(), "--no-watch");
        Path config = dir.resolve("bastion.yaml");
        assertThat(models(port, key)).isEqualTo(404);

        Files.writeString(config, yaml(port, adminPort, mockPort, MODELS));
        assertThat(models(port, key)).as("--no-watch: nothing before the signal").isEqualTo(404);
        hup(gw);
        BastionProcess.awaitLine(dir, "serve", gw, "config reloaded");
        assertThat(models(port, key)).isEqualTo(200);
        assertThat(status(port, "/v1/chat/completions", key)).isEqualTo(200);

        // A route naming an upstream that does not exist: refused with its YAML path, the running routes stay.
        Files.writeString(config, yaml(port, adminPort, mockPort, "").replace("upstream: llm", "upstream: nowhere"));
        hup(gw);
        BastionProcess.awaitLine(dir, "serve", gw, "config reload refused");
        assertThat(Files.readString(dir.resolve("serve.err"))).contains("routes[0].upstream");
        assertThat(models(port, key)).isEqualTo(200);

        // bastion reload, through the admin API: it acts on every org's traffic, so it takes the operator scope; a
        // tenant's admin key is not enough.
        String admin = createKey(dir, "operator");
        String tenantAdmin = createKey(dir, "admin");
        Files.writeString(config, yaml(port, adminPort, mockPort, ""));
        Map<String, String> env = Map.of("BASTION_ADMIN_KEY", admin, "TENANT_ADMIN", tenantAdmin);
        String url = "http://127.0.0.1:" + adminPort;
        assertThat(BastionProcess.run(dir, "reload-denied", env, "reload", "--admin", url, "--key", "env:TENANT_ADMIN")).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("reload-denied.err"))).contains("403 scope_missing");
        assertThat(models(port, key)).as("a tenant admin cannot reload").isEqualTo(200);
        assertThat(BastionProcess.run(dir, "reload", env, "reload", "--admin", url)).isZero();
        assertThat(Files.readString(dir.resolve("reload.out"))).startsWith("reloaded (config sha256 ");
        assertThat(models(port, key)).isEqualTo(404);
        Files.writeString(config, yaml(port, adminPort, mockPort, "").replace("upstream: llm", "upstream: nowhere"));
        assertThat(BastionProcess.run(dir, "reload-refused", env, "reload", "--admin", url)).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("reload-refused.err"))).contains("422 config_refused").contains("routes[0].upstream")
                .doesNotContain("nowhere");
        assertThat(Files.readString(dir.resolve("serve.err"))).doesNotContain("sk-mock-provider-key-5566").doesNotContain(key).doesNotContain(admin).doesNotContain(tenantAdmin);
    }

    @Test
    void aChangedFileIsReloadedWithoutASignal(@TempDir Path dir) throws Exception {
        String key = serve(dir, List.of());
        Path config = dir.resolve("bastion.yaml");
        assertThat(models(port, key)).isEqualTo(404);
        // As a ConfigMap is updated: a new file moved over the old one.
        Path next = dir.resolve("bastion.yaml.new");
        Files.writeString(next, yaml(port, adminPort, mockPort, MODELS));
        Files.move(next, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        BastionProcess.awaitLine(dir, "serve", gw, "config reloaded (file");
        assertThat(models(port, key)).isEqualTo(200);
    }

    @Test
    void sigtermDrainsStreamsInFlightThenStoresTheAuditQueueAndExits(@TempDir Path dir) throws Exception {
        // Each streamed word 200 ms apart: 2 tokens end well within the 3 s drain, 200 take 40 s.
        String key = serve(dir, List.of("--chunk-delay-ms", "200", "--fill-max-tokens"));
        URI ready = URI.create("http://127.0.0.1:" + adminPort + "/health/ready");
        assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // An audit event that only the close can store (the flush interval is a minute).
        assertThat(status(port, "/v1/chat/completions", "bst_not-a-real-key-0000000000000000")).isEqualTo(401);

        HttpResponse<InputStream> shortStream = http.send(chat(port, "/v1/chat/completions", key, 2), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> longStream = http.send(chat(port, "/v1/chat/completions", key, 200), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(shortStream.statusCode()).isEqualTo(200);
        assertThat(longStream.statusCode()).isEqualTo(200);
        CompletableFuture<String> shortBody = CompletableFuture.supplyAsync(() -> readAll(shortStream.body()));
        CompletableFuture<String> longBody = CompletableFuture.supplyAsync(() -> readAll(longStream.body()));

        gw.destroy(); // SIGTERM
        until("readiness false while draining", () -> http.send(HttpRequest.newBuilder(ready).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 503);
        until("new connections refused while draining", () -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException e) {
                return true;
            }
        });
        assertThat(longBody.isDone()).as("refused before the deadline: the long stream is still open").isFalse();

        assertThat(shortBody.get(10, TimeUnit.SECONDS)).as("a stream that ends within the deadline completes").contains("data: [DONE]");
        assertThat(longBody.get(15, TimeUnit.SECONDS)).as("a stream still open at the deadline is cut").doesNotContain("[DONE]")
                .startsWith("data: ").contains("CUT");
        assertThat(gw.waitFor(30, TimeUnit.SECONDS)).as("exits after the drain").isTrue();

        try (Store store = Store.open(new StoreConfig("sqlite:" + dir.resolve("data/bastion.db"), null, null, 1), new SecretResolver(Map.of()))) {
            List<AuditRow> rows = store.audit().search(AuditRepository.Filter.ALL, 100, true, false);
            assertThat(rows).extracting(AuditRow::type).as("the queue was stored before exit").contains("auth.failure");
        }
        assertThat(Files.readString(dir.resolve("serve.err"))).contains("draining").doesNotContain(key).doesNotContain("sk-mock-provider-key-5566");
    }

    /** The body until it ends, or what arrived before the connection was cut followed by {@code CUT}. */
    private static String readAll(InputStream in) {
        StringBuilder out = new StringBuilder();
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            return out.toString();
        } catch (IOException e) {
            return out.append("CUT").toString();
        }
    }
}
