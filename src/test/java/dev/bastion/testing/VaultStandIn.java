package dev.bastion.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for HashiCorp Vault on loopback HTTPS (or HTTP), implementing the parts of its documented HTTP API
 * that Bastion uses, with Vault's bodies, statuses and auth checks:
 * <ul>
 *   <li>KV version 2: {@code GET /v1/MOUNT/data/PATH[?version=N]} → {@code {"data":{"data":{...},"metadata":{"version","created_time",...}}}};
 *       404 for a missing secret or a deleted version;</li>
 *   <li>{@code POST /v1/auth/approle/login} ({@code role_id}, {@code secret_id}) → {@code {"auth":{"client_token","lease_duration","renewable"}}},
 *       400 {@code invalid role or secret ID};</li>
 *   <li>{@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self} (capped by the token's max TTL);</li>
 *   <li>the token ({@code X-Vault-Token}) checked on every call: unknown, expired or outside its policy → 403
 *       {@code {"errors":["permission denied"]}}; sealed → 503 {@code {"errors":["Vault is sealed"]}};
 *       {@code X-Vault-Namespace} checked when a namespace is required.</li>
 * </ul>
 */
public final class VaultStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One version of a KV v2 secret. */
    public record Version(Map<String, String> data, Instant created, boolean deleted) {}

    /** A token Vault issued. {@code ttlSeconds} 0: it never expires. */
    public static final class TokenInfo {
        final String id;
        volatile long ttlSeconds;
        volatile Instant expiresAt;
        final Instant maxExpiresAt;
        final boolean renewable;
        final Set<String> allowedPrefixes; // null: every path

        TokenInfo(String id, long ttlSeconds, long maxTtlSeconds, boolean renewable, Set<String> allowedPrefixes) {
            this.id = id;
            this.ttlSeconds = ttlSeconds;
            Instant now = Instant.now();
            this.expiresAt = ttlSeconds == 0 ? null : now.plusSeconds(ttlSeconds);
            this.maxExpiresAt = maxTtlSeconds == 0 ? null : now.plusSeconds(maxTtlSeconds);
            this.renewable = renewable;
            this.allowedPrefixes = allowedPrefixes;
        }

        boolean valid() {
            return expiresAt == null || Instant.now().isBefore(expiresAt);
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final boolean tls;
    private final Path caFile;
    private final Map<String, List<Version>> kv = new ConcurrentHashMap<>();
    private final Map<String, TokenInfo> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> approles = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 500;
    private volatile boolean sealed;
    private volatile String namespace;
    private volatile long approleTtl = 3600, approleMaxTtl = 0;
    private volatile boolean approleRenewable = true;
    private volatile Set<String> approlePolicy;

    public VaultStandIn(Vertx vertx, boolean tls) throws Exception {
        this.vertx = vertx;
        this.tls = tls;
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
        if (tls) {
            SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.certificatePath()).setKeyPath(cert.privateKeyPath()));
            this.caFile = Path.of(cert.certificatePath());
        } else {
            this.caFile = null;
        }
        this.server = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(body -> {
            JsonNode json;
            try {
                json = body.length() == 0 ? JSON.createObjectNode() : JSON.readTree(body.toString());
            } catch (Exception e) {
                error(req, 400, "failed to parse JSON input");
                return;
            }
            try {
                handle(req, json);
            } catch (RuntimeException e) {
                e.printStackTrace();
                if (!req.response().ended()) error(req, 500, "internal error");
            }
        }));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** {@code https://localhost:PORT}: the certificate's name (it resolves to the loopback address). */
    public String address() {
        return (tls ? "https://localhost:" : "http://127.0.0.1:") + server.actualPort();
    }

    /** The PEM file of the self-signed certificate, for {@code secrets.vault.ca_file}. */
    public Path caFile() {
        return caFile;
    }

    /** Writes a new version of {@code mount/path} (as {@code vault kv put}); returns its version number. */
    public int put(String mountAndPath, Map<String, String> data) {
        List<Version> versions = kv.computeIfAbsent(mountAndPath, k -> new CopyOnWriteArrayList<>());
        versions.add(new Version(Map.copyOf(data), Instant.now().truncatedTo(ChronoUnit.MICROS), false));
        return versions.size();
    }

    /** Writes a version with a given creation date (an old secret, for max-age tests). */
    public int putAt(String mountAndPath, Map<String, String> data, Instant created) {
        List<Version> versions = kv.computeIfAbsent(mountAndPath, k -> new CopyOnWriteArrayList<>());
        versions.add(new Version(Map.copyOf(data), created, false));
        return versions.size();
    }

    /** Soft-deletes the latest version (as {@code vault kv delete}). */
    public void deleteLatest(String mountAndPath) {
        List<Version> versions = kv.get(mountAndPath);
        Version last = versions.getLast();
        versions.set(versions.size() - 1, new Version(last.data(), last.created(), true));
    }

    /** A token Bastion may be given; {@code allowedPrefixes} null for every path. */
    public String token(long ttlSeconds, long maxTtlSeconds, boolean renewable, Set<String> allowedPrefixes) {
        String id = "hvs." + UUID.randomUUID().toString().replace("-", "");
        tokens.put(id, new TokenInfo(id, ttlSeconds, maxTtlSeconds, renewable, allowedPrefixes));
        issued.add(id);
        return id;
    }

    public void approle(String roleId, String secretId, long ttlSeconds, long maxTtlSeconds, boolean renewable, Set<String> policy) {
        approles.put(roleId, secretId);
        approleTtl = ttlSeconds;
        approleMaxTtl = maxTtlSeconds;
        approleRenewable = renewable;
        approlePolicy = policy;
    }

    /** Every token this stand-in issued or was given, to grep logs for. */
    public List<String> issuedTokens() {
        return List.copyOf(issued);
    }

    public void revoke(String token) {
        tokens.remove(token);
    }

    public void seal(boolean sealed) {
        this.sealed = sealed;
    }

    public void requireNamespace(String namespace) {
        this.namespace = namespace;
    }

    /** The next {@code n} calls answer {@code status} (429, 500, 502…). */
    public void failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
    }

    /** Calls by {@code METHOD /v1/...} (no query), counted before any check. */
    public int calls(String methodAndPath) {
        AtomicInteger n = calls.get(methodAndPath);
        return n == null ? 0 : n.get();
    }

    public int callsStartingWith(String prefix) {
        return calls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(e -> e.getValue().get()).sum();
    }

    private void handle(HttpServerRequest req, JsonNode body) {
        String path = req.path();
        calls.computeIfAbsent(req.method().name() + " " + path, k -> new AtomicInteger()).incrementAndGet();
        if (sealed) {
            error(req, 503, "Vault is sealed");
            return;
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            error(req, failStatus, failStatus == 429 ? "rate limit quota exceeded" : "internal error");
            return;
        }
        if (namespace != null && !namespace.equals(req.getHeader("X-Vault-Namespace"))) {
            error(req, 403, "permission denied");
            return;
        }
        if (!path.startsWith("/v1/")) {
            error(req, 404, "no handler for route");
            return;
        }
        String route = path.substring(4);
        if (route.startsWith("auth/approle/login") && req.method().name().equals("POST")) {
            login(req, body);
            return;
        }
        TokenInfo token = tokens.get(String.valueOf(req.getHeader("X-Vault-Token")));
        if (token == null || !token.valid()) {
            error(req, 403, "permission denied");
            return;
        }
        if (route.equals("auth/token/lookup-self") && req.method().name().equals("GET")) {
            ObjectNode data = JSON.createObjectNode().put("id", token.id).put("renewable", token.renewable)
                    .put("ttl", token.expiresAt == null ? 0 : Math.max(0, Math.round(java.time.Duration.between(Instant.now(), token.expiresAt).toMillis() / 1000.0)))
                    .put("creation_ttl", token.ttlSeconds);
            ok(req, JSON.createObjectNode().set("data", data));
        } else if (route.equals("auth/token/renew-self") && req.method().name().equals("POST")) {
            if (!token.renewable) {
                error(req, 400, "lease is not renewable");
                return;
            }
            long increment = token.ttlSeconds;
            String asked = body.path("increment").asText("");
            if (asked.endsWith("s")) increment = Long.parseLong(asked.substring(0, asked.length() - 1));
            Instant now = Instant.now();
            Instant until = now.plusSeconds(increment);
            if (token.maxExpiresAt != null && until.isAfter(token.maxExpiresAt)) until = token.maxExpiresAt;
            long lease = Math.max(0, Math.round(java.time.Duration.between(now, until).toMillis() / 1000.0));
            token.expiresAt = until;
            ok(req, JSON.createObjectNode().set("auth", auth(token.id, lease, token.renewable)));
        } else if (route.contains("/data/") && req.method().name().equals("GET")) {
            read(req, route, token);
        } else {
            error(req, 404, "no handler for route \"" + route + "\"");
        }
    }

    private void login(HttpServerRequest req, JsonNode body) {
        String roleId = body.path("role_id").asText("");
        String secretId = body.path("secret_id").asText("");
        if (!secretId.equals(approles.get(roleId))) {
            error(req, 400, "invalid role or secret ID");
            return;
        }
        String id = token(approleTtl, approleMaxTtl, approleRenewable, approlePolicy);
        ok(req, JSON.createObjectNode().set("auth", auth(id, approleTtl, approleRenewable)));
    }

    private static ObjectNode auth(String token, long lease, boolean renewable) {
        ObjectNode a = JSON.createObjectNode().put("client_token", token).put("accessor", UUID.randomUUID().toString())
                .put("lease_duration", lease).put("renewable", renewable).put("token_type", "service").put("orphan", true);
        a.putArray("policies").add("default");
        return a;
    }

    private void read(HttpServerRequest req, String route, TokenInfo token) {
        int data = route.indexOf("/data/");
        String key = route.substring(0, data) + "/" + route.substring(data + 6);
        if (token.allowedPrefixes != null && token.allowedPrefixes.stream().noneMatch(key::startsWith)) {
            error(req, 403, "permission denied");
            return;
        }
        List<Version> versions = kv.get(key);
        if (versions == null || versions.isEmpty()) {
            error(req, 404);
            return;
        }
        String asked = req.getParam("version");
        int n = asked == null || asked.equals("0") ? versions.size() : Integer.parseInt(asked);
        if (n < 1 || n > versions.size()) {
            error(req, 404);
            return;
        }
        Version v = versions.get(n - 1);
        ObjectNode meta = JSON.createObjectNode().put("created_time", v.created().toString()).putNull("custom_metadata")
                .put("deletion_time", v.deleted() ? Instant.now().toString() : "").put("destroyed", false).put("version", n);
        ObjectNode d = JSON.createObjectNode();
        if (v.deleted()) {
            d.putNull("data");
            d.set("metadata", meta);
            req.response().setStatusCode(404).putHeader("Content-Type", "application/json").end(JSON.createObjectNode().set("data", d).toString());
            return;
        }
        ObjectNode values = d.putObject("data");
        v.data().forEach(values::put);
        d.set("metadata", meta);
        ObjectNode out = JSON.createObjectNode().put("request_id", UUID.randomUUID().toString()).put("lease_id", "").put("renewable", false)
                .put("lease_duration", 0);
        out.set("data", d);
        out.putNull("wrap_info");
        out.putNull("warnings");
        out.putNull("auth");
        ok(req, out);
    }

    private static void ok(HttpServerRequest req, JsonNode body) {
        req.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body.toString());
    }

    private static void error(HttpServerRequest req, int status, String... errors) {
        ObjectNode body = JSON.createObjectNode();
        var list = body.putArray("errors");
        for (String e : errors) list.add(e);
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The versions written to {@code mount/path}, for asserts. */
    public List<Version> versions(String mountAndPath) {
        return new ArrayList<>(kv.getOrDefault(mountAndPath, List.of()));
    }
}
