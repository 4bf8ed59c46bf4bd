package dev.bastion.testing;

import dev.bastion.authn.ApiKeyService;
import dev.bastion.config.BastionConfig;
import dev.bastion.config.ConfigLoader;
import dev.bastion.secrets.SecretResolver;
import dev.bastion.server.Gateway;
import dev.bastion.store.Store;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway on loopback for integration tests: its own Vert.x, a SQLite store in a temp
 * directory, a {@link StubUpstream}, and a config written as YAML (with {@code {{upstream}}} and
 * {{store}} placeholders). The provider key is {@link #PROVIDER_KEY}, resolved from a fake environment.
 */
public final class TestGateway implements AutoCloseable {
    public static final String PROVIDER_KEY = "sk-provider-9f8e7d6c5b4a39281706";

    public final Vertx vertx;
    public final StubUpstream upstream;
    public final Store store;
    public final Gateway gateway;
    public final Path dir;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> accessLines;

    private TestGateway(Vertx vertx, StubUpstream upstream, Store store, Gateway gateway, Path dir, List<String> accessLines) {
        this.accessLines = accessLines;
        this.vertx = vertx;
        this.upstream = upstream;
        this.store = store;
        this.gateway = gateway;
        this.dir = dir;
    }

    public static TestGateway start(String yamlTemplate) throws Exception {
        return start(yamlTemplate, 1);
    }

    public static TestGateway start(String yamlTemplate, int instances) throws Exception {
        return start(yamlTemplate, instances, Map.of());
    }

    /** @param env extra variables for {@code env:} secret references (besides PROVIDER_KEY) */
    public static TestGateway start(String yamlTemplate, int instances, Map<String, String> env) throws Exception {
        // The transport `serve` uses (epoll on Linux), so the tests run the production path.
        return start(yamlTemplate, instances, env, new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    }

    /** @param options the Vert.x instance's (the event loop pool: {@code serve} sizes it to the cores) */
    public static TestGateway start(String yamlTemplate, int instances, Map<String, String> env, io.vertx.core.VertxOptions options) throws Exception {
        Vertx vertx = Vertx.vertx(options);
        StubUpstream upstream = new StubUpstream(vertx);
        Path dir = Files.createTempDirectory("bastion-it");
        String yaml = yamlTemplate.replace("{{upstream}}", upstream.url()).replace("{{store}}", "sqlite:" + dir.resolve("bastion.db"));
        BastionConfig config = new ConfigLoader().parse(yaml, "test.yaml");
        Store store = Store.open(config.store(), new SecretResolver(Map.of()));
        Map<String, String> vars = new java.util.HashMap<>(env);
        vars.put("PROVIDER_KEY", PROVIDER_KEY);
        SecretResolver secrets = new SecretResolver(vars);
        List<String> accessLines = new CopyOnWriteArrayList<>();
        Gateway gateway = Gateway.start(vertx, config, store, secrets, instances, accessLines::add)
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return new TestGateway(vertx, upstream, store, gateway, dir, accessLines);
    }

    /** A minimal valid config around the given routes block (indented as list items under routes:). */
    /**
     * A body as the upstream received it, without the end-user identifier an {@code llm} route adds in front of the
     * client's bytes ({@code EndUserControl}): what is left is the client's bytes when nothing else changed them.
     */
    public static String withoutEndUserId(String sent) {
        return sent.replaceFirst("^\\{\"(safety_identifier|user)\":\"bu_[A-Za-z0-9_-]{22}\",?", "{");
    }

    public static String config(String routes) {
        return """
                listeners:
                  public: { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { url: "{{store}}" }
                api_keys: { cache_ttl: 300ms }
                upstreams:
                  app:
                    url: "{{upstream}}"
                    api_key: env:PROVIDER_KEY
                    response_timeout: 1s
                    idle_timeout: 1s
                routes:
                """ + routes;
    }

    /** The access-log lines written so far (the same lines the stdout writer would print). */
    public List<String> accessLines() {
        return List.copyOf(accessLines);
    }

    /** The access line of one request, waiting for it: it is written just after the response's last byte. */
    public String accessLine(String requestId) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (String l : accessLines) if (l.contains("\"request_id\":\"" + requestId + "\"")) return l;
            Thread.sleep(10);
        }
        throw new AssertionError("no access line for request " + requestId);
    }

    public String createKey(String org, String... scopes) {
        return new ApiKeyService(store, Clock.systemUTC()).create(org, Set.of(scopes), "test", null).plaintext();
    }

    public ApiKeyService.CreatedKey createKeyRecord(String org, String... scopes) {
        return new ApiKeyService(store, Clock.systemUTC()).create(org, Set.of(scopes), "test", null);
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.publicPort() + pathAndQuery);
    }

    public URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.adminPort() + path);
    }

    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    }

    public HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = request(path).GET();
        if (key != null) b.header("Authorization", "Bearer " + key);
        return send(b.build());
    }

    public HttpResponse<String> postJson(String path, String key, String json) throws Exception {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return send(b.build());
    }

    @Override
    public void close() throws Exception {
        try {
            gateway.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            upstream.close();
        } finally {
            store.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            http.close();
        }
    }
}
