package dev.bastion.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.config.SecretRef;
import dev.bastion.config.SecretsConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.EgressDenied;
import dev.bastion.egress.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vault:MOUNT/data/PATH[#FIELD]} references, read from HashiCorp Vault's KV version 2 engine over its HTTP
 * API ({@code GET /v1/MOUNT/data/PATH}) through the {@link OutboundConnector}, so the egress policy applies.
 *
 * <p>Auth: a token ({@code secrets.vault.auth.token}, itself an {@code env:}/{@code file:} reference; its TTL is
 * read with {@code lookup-self}) or AppRole ({@code POST /v1/auth/MOUNT/login}). A token with a TTL is renewed
 * ({@code renew-self}) at two thirds of its lease; when it is not renewable, when a renewal comes back capped by
 * the token's max TTL, or when Vault refuses it, an AppRole login is made again (a static token is read again
 * from its reference, which may have been rotated). 429 and 5xx answers are retried three times with backoff.
 * Error messages name the reference and Vault's reason, never a value or a token.
 */
public final class VaultSource implements SecretSource {
    private static final Logger log = LoggerFactory.getLogger(VaultSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1024 * 1024;
    private static final long[] BACKOFF_MILLIS = {100, 300, 900};

    private final Vertx vertx;
    private final OutboundConnector connector;
    private final Destination destination;
    private final String basePath;
    private final String namespace;
    private final ClientProfile profile;
    private final Duration timeout;
    private final Supplier<CompletableFuture<Secret>> staticToken; // null with AppRole
    private final SecretsConfig.AppRole approle; // null with a token
    private final Supplier<CompletableFuture<Secret>> secretId;
    private final Clock clock;
    /** Where calls made from outside an event loop (start, the watcher) run: one loop, so one connection pool. */
    private final io.vertx.core.Context home;

    /**
     * A token Bastion holds. {@code ttl} zero: it never expires (a root token); {@code creationTtl} the lease it
     * was made with, which each renewal asks for again (a renewal that gives less has hit the max TTL).
     */
    private record Token(Secret value, Instant obtained, Duration ttl, Duration creationTtl, boolean renewable) {
        Instant expiresAt() {
            return ttl.isZero() ? null : obtained.plus(ttl);
        }
    }

    private Token token;                      // guarded by this
    private CompletableFuture<Token> pending; // the login or lookup under way; guarded by this
    private long renewTimer = -1;             // guarded by this
    private volatile boolean closed;

    /**
     * @param resolver resolves the token or the AppRole secret id (both {@code env:} or {@code file:} references)
     */
    public VaultSource(Vertx vertx, OutboundConnector connector, SecretsConfig.Vault config, Duration timeout, SecretResolver resolver, Clock clock) {
        this.vertx = vertx;
        this.connector = connector;
        this.home = vertx.getOrCreateContext();
        this.destination = Destination.of(config.address());
        String path = config.address().getRawPath();
        this.basePath = path == null ? "" : path.replaceAll("/+$", "");
        this.namespace = config.namespace();
        this.profile = new ClientProfile("secrets:vault", Duration.ofSeconds(5), 4, Duration.ofSeconds(30), 64 * 1024, false, config.caFile());
        this.timeout = timeout;
        this.clock = clock;
        SecretsConfig.VaultAuth auth = config.auth();
        // read when needed (a file: one may have been rotated), without waiting on the calling thread
        this.staticToken = auth.token() == null ? null : () -> credential(resolver, auth.token(), "secrets.vault.auth.token");
        this.approle = auth.approle();
        this.secretId = approle == null ? null : () -> credential(resolver, approle.secretId(), "secrets.vault.auth.approle.secret_id");
    }

    private static CompletableFuture<Secret> credential(SecretResolver resolver, SecretRef ref, String where) {
        return resolver.fetch(ref, where).handle((r, e) -> {
            if (e != null) throw new Failure(Reason.DENIED, "Vault auth: " + unwrap(e).getMessage());
            return r.secret();
        });
    }

    @Override
    public CompletableFuture<Fetched> fetch(SecretRef ref) {
        return token().thenCompose(t -> read(ref, t).exceptionallyCompose(e -> {
            Throwable cause = unwrap(e);
            // A token Vault no longer honours (expired, revoked): log in again once and read again.
            if (cause instanceof Failure f && f.reason() == Reason.DENIED && forget(t)) {
                return token().thenCompose(fresh -> read(ref, fresh));
            }
            return CompletableFuture.failedFuture(cause);
        }));
    }

    private CompletableFuture<Fetched> read(SecretRef ref, Token t) {
        SecretRef.VaultPath p = ref.vaultPath();
        String where = ref.toString();
        return call(HttpMethod.GET, "/v1/" + encodePath(p.mount()) + "/data/" + encodePath(p.path()), t.value(), null).thenApply(a -> {
            switch (a.status) {
                case 200 -> {}
                case 404 -> throw new Failure(Reason.MISSING, where + ": no such secret in Vault, or its current version is deleted (404)");
                case 403 -> throw new Failure(Reason.DENIED, where + ": Vault says permission denied (403)");
                default -> throw statusFailure(where, a.status);
            }
            JsonNode data = a.json.path("data");
            JsonNode value = data.path("data").get(p.field());
            if (value == null || value.isNull() || value.isContainerNode()) {
                throw new Failure(Reason.MISSING, where + ": the Vault secret has no text field '" + p.field() + "'");
            }
            JsonNode meta = data.path("metadata");
            String version = meta.has("version") ? meta.get("version").asText() : null;
            Instant created = null;
            try {
                if (meta.hasNonNull("created_time")) created = Instant.parse(meta.get("created_time").asText());
            } catch (java.time.format.DateTimeParseException e) {
                // an unreadable date leaves the age unknown
            }
            return new Fetched(value.asText(), version, created);
        });
    }

    /** The token to use: the one held, or a fresh one from a login or lookup (one at a time, shared by every caller). */
    private synchronized CompletableFuture<Token> token() {
        Token t = token;
        Instant now = clock.instant();
        if (t != null && (t.expiresAt() == null || now.isBefore(t.expiresAt()))) return CompletableFuture.completedFuture(t);
        if (pending != null) return pending;
        CompletableFuture<Token> made = approle != null ? login() : staticToken.get().thenCompose(this::lookup);
        pending = made;
        made.whenComplete((fresh, e) -> adopt(fresh, made));
        return made;
    }

    private synchronized void adopt(Token fresh, CompletableFuture<Token> from) {
        if (pending == from) pending = null;
        if (fresh == null || closed) return;
        token = fresh;
        schedule(fresh);
    }

    /** Drops {@code t} if it is still the one held; true when a new one may help (not for a token just obtained twice). */
    private synchronized boolean forget(Token t) {
        if (token != t) return true; // someone replaced it already
        token = null;
        return approle != null || staticToken != null;
    }

    /** Renewal (or a new login) at two thirds of the lease: before it ends, with room for a slow Vault. */
    private synchronized void schedule(Token t) {
        if (renewTimer != -1) vertx.cancelTimer(renewTimer);
        renewTimer = -1;
        if (t.ttl().isZero()) return;
        if (!t.renewable() && approle == null) {
            log.warn("the Vault token is not renewable and expires in {}s: give Bastion a renewable token or use AppRole", t.ttl().toSeconds());
            return;
        }
        long delay = Math.max(1, t.ttl().toMillis() * 2 / 3);
        renewTimer = vertx.setTimer(delay, id -> refresh(t));
    }

    private void refresh(Token t) {
        synchronized (this) {
            renewTimer = -1;
            if (closed || token != t) return;
        }
        CompletableFuture<Token> next = t.renewable() ? renew(t).exceptionallyCompose(e -> {
            log.warn("Vault token renewal failed ({}){}", unwrap(e).getMessage(), approle != null ? ": logging in again" : "");
            return approle != null ? login() : CompletableFuture.failedFuture(e);
        }) : login();
        next.whenComplete((fresh, e) -> {
            if (fresh != null) {
                synchronized (this) {
                    if (token == t) {
                        token = fresh;
                        schedule(fresh);
                    }
                }
            } else {
                forget(t); // the next read logs in (or looks the token up) again
            }
        });
    }

    private CompletableFuture<Token> renew(Token t) {
        String body = "{\"increment\":\"" + t.creationTtl().toSeconds() + "s\"}";
        return call(HttpMethod.POST, "/v1/auth/token/renew-self", t.value(), body).thenCompose(a -> {
            if (a.status != 200) return CompletableFuture.failedFuture(statusFailure("token renewal", a.status));
            JsonNode auth = a.json.path("auth");
            Duration lease = Duration.ofSeconds(Math.max(0, auth.path("lease_duration").asLong(0)));
            Token renewed = new Token(t.value(), clock.instant(), lease, t.creationTtl(), auth.path("renewable").asBoolean(false));
            if (lease.compareTo(t.creationTtl()) < 0 && approle != null) {
                // capped by the token's max TTL: a login starts a new token with a full lease
                log.info("Vault token reached its max TTL: logging in again");
                return login();
            }
            log.debug("Vault token renewed for {}s", renewed.ttl().toSeconds());
            return CompletableFuture.completedFuture(renewed);
        });
    }

    private CompletableFuture<Token> login() {
        return secretId.get().thenCompose(this::login);
    }

    private CompletableFuture<Token> login(Secret id) {
        String body = JSON.createObjectNode().put("role_id", approle.roleId()).put("secret_id", id.reveal()).toString();
        return call(HttpMethod.POST, "/v1/auth/" + encodePath(approle.mount()) + "/login", null, body).thenApply(a -> {
            switch (a.status) {
                case 200 -> {}
                case 400 -> throw new Failure(Reason.DENIED, "Vault AppRole login refused: invalid role_id or secret_id (400)");
                case 403 -> throw new Failure(Reason.DENIED, "Vault AppRole login refused: permission denied (403)");
                default -> throw statusFailure("Vault AppRole login", a.status);
            }
            JsonNode auth = a.json.path("auth");
            if (!auth.hasNonNull("client_token")) throw new Failure(Reason.UNAVAILABLE, "Vault AppRole login: the answer holds no token");
            Secret client = Secret.of(auth.get("client_token").asText());
            LogRedactor.global().add(client.reveal());
            return fromAuth(auth, client);
        });
    }

    private CompletableFuture<Token> lookup(Secret value) {
        LogRedactor.global().add(value.reveal());
        return call(HttpMethod.GET, "/v1/auth/token/lookup-self", value, null).thenApply(a -> {
            if (a.status == 403) throw new Failure(Reason.DENIED, "Vault refuses the configured token: permission denied (403)");
            if (a.status != 200) throw statusFailure("Vault token lookup", a.status);
            JsonNode data = a.json.path("data");
            Duration ttl = Duration.ofSeconds(Math.max(0, data.path("ttl").asLong(0)));
            Duration creation = data.path("creation_ttl").asLong(0) > 0 ? Duration.ofSeconds(data.path("creation_ttl").asLong()) : ttl;
            return new Token(value, clock.instant(), ttl, creation, data.path("renewable").asBoolean(false));
        });
    }

    private Token fromAuth(JsonNode auth, Secret value) {
        Duration lease = Duration.ofSeconds(Math.max(0, auth.path("lease_duration").asLong(0)));
        return new Token(value, clock.instant(), lease, lease, auth.path("renewable").asBoolean(false));
    }

    private static Failure statusFailure(String what, int status) {
        if (status == 503) return new Failure(Reason.UNAVAILABLE, what + ": Vault is sealed or in standby (503)");
        if (status == 429 || status >= 500) return new Failure(Reason.UNAVAILABLE, what + ": Vault answered " + status + " (after retries)");
        if (status == 400) return new Failure(Reason.DENIED, what + ": Vault refused the request (400)");
        return new Failure(Reason.UNAVAILABLE, what + ": Vault answered " + status);
    }

    private record Answer(int status, JsonNode json) {}

    /** One call, retried on 429 and 5xx (but 503: a sealed Vault does not unseal in a second) with backoff. */
    private CompletableFuture<Answer> call(HttpMethod method, String path, Secret token, String body) {
        Promise<Answer> done = Promise.promise();
        attempt(method, path, token, body, 0, done);
        return done.future().toCompletionStage().toCompletableFuture();
    }

    private void attempt(HttpMethod method, String path, Secret token, String body, int n, Promise<Answer> done) {
        if (!io.vertx.core.Context.isOnEventLoopThread()) {
            // A caller outside Vert.x (start, the watcher's thread) sends from one home loop: the connector pools
            // connections per calling loop, and a connection is best used from the loop that opened it.
            home.runOnContext(v -> attempt(method, path, token, body, n, done));
            return;
        }
        if (closed) {
            done.fail(new Failure(Reason.UNAVAILABLE, "the Vault client is closed"));
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");
        if (token != null) headers.add("X-Vault-Token", token.reveal());
        if (namespace != null) headers.add("X-Vault-Namespace", namespace);
        if (body != null) headers.add("Content-Type", "application/json");
        RequestOptions options = new RequestOptions().setMethod(method).setURI(basePath + path).setHeaders(headers)
                .setIdleTimeout(timeout.toMillis()).setTimeout(timeout.toMillis());
        connector.request(destination, profile, options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), json(b))))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        Throwable t = ar.cause();
                        if (t instanceof EgressDenied denied) {
                            done.fail(new Failure(Reason.UNAVAILABLE, "Vault: " + denied.getMessage()));
                        } else if (n < BACKOFF_MILLIS.length) {
                            vertx.setTimer(BACKOFF_MILLIS[n], id -> attempt(method, path, token, body, n + 1, done));
                        } else {
                            done.fail(new Failure(Reason.UNAVAILABLE, "cannot reach Vault at " + destination + " (" + t.getClass().getSimpleName() + ")"));
                        }
                        return;
                    }
                    Answer a = ar.result();
                    if ((a.status == 429 || a.status >= 500 && a.status != 503) && n < BACKOFF_MILLIS.length) {
                        vertx.setTimer(BACKOFF_MILLIS[n], id -> attempt(method, path, token, body, n + 1, done));
                    } else {
                        done.complete(a);
                    }
                });
    }

    private static JsonNode json(Buffer b) {
        if (b.length() > MAX_BODY) throw new Failure(Reason.UNAVAILABLE, "a Vault answer over " + MAX_BODY + " bytes");
        try {
            return b.length() == 0 ? JSON.createObjectNode() : JSON.readTree(b.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return JSON.createObjectNode(); // an answer that is not JSON: its status decides
        }
    }

    /** Each segment percent-encoded (everything but RFC 3986's unreserved characters), the slashes kept. */
    static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') out.append(c);
            else out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16))).append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
        return out.toString();
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) e = e.getCause();
        return e;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (renewTimer != -1) vertx.cancelTimer(renewTimer);
        renewTimer = -1;
    }
}
