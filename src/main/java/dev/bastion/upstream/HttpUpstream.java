package dev.bastion.upstream;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.egress.ClientProfile;
import dev.bastion.egress.Destination;
import dev.bastion.egress.OutboundConnector;
import dev.bastion.secrets.RotatingSecret;
import dev.bastion.secrets.Secret;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A configured HTTP upstream (U1, U2). Its URL comes only from config: a request picks the path, never
 * the host. Its key is injected here and nowhere else, so it can only ever reach this upstream. Redirects
 * are not followed (the connector's rule): a redirect is passed to the client, which cannot make Bastion
 * fetch another host.
 */
public final class HttpUpstream implements Upstream {
    private final String name;
    private final UpstreamConfig config;
    private final OutboundConnector connector;
    private final Destination destination;
    private final ClientProfile profile;
    private final String basePath;
    private final RotatingSecret apiKey;
    private final IdentitySigner identitySigner;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpUpstream.class);
    private volatile Secret warnedFor; // the previous key last warned about: one warning per rotation
    private final RotatingSecret hmacSecret;
    private final dev.bastion.secrets.OrgSecrets.Handle orgKey;
    private final UpstreamTls tls;
    /** The key's header and the signing bytes, derived once per value rather than once per request. */
    private volatile Derived derived;

    private record Derived(Secret key, Map<String, String> header, Secret hmac, byte[] hmacBytes) {}

    /** Signs {@code X-Bastion-Identity} for one request to one upstream. */
    @FunctionalInterface
    public interface IdentitySigner {
        String sign(Identity identity, String upstream, String requestId);
    }

    /**
     * @param apiKey         the upstream's own credential, read per request (it may rotate); null when it needs none
     * @param identitySigner signs the identity header; used only when the upstream asks for one
     * @param hmacSecret     request-signing secret (Z5), read per request; null when this upstream wants no signature
     */
    public HttpUpstream(OutboundConnector connector, String name, UpstreamConfig config, RotatingSecret apiKey, IdentitySigner identitySigner,
                        RotatingSecret hmacSecret) {
        this(connector, name, config, apiKey, null, identitySigner, hmacSecret);
    }

    /**
     * @param orgKey a per-org provider key ({@code {org}} in its reference), read per request for the caller's
     *               org instead of {@code apiKey}; null when the key is the upstream's own
     */
    public HttpUpstream(OutboundConnector connector, String name, UpstreamConfig config, RotatingSecret apiKey,
                        dev.bastion.secrets.OrgSecrets.Handle orgKey, IdentitySigner identitySigner, RotatingSecret hmacSecret) {
        this(connector, name, config, apiKey, orgKey, identitySigner, hmacSecret, null);
    }

    /** @param tls the upstream's client certificate and pinned trust (E7); null for the JDK's trust and no certificate */
    public HttpUpstream(OutboundConnector connector, String name, UpstreamConfig config, RotatingSecret apiKey,
                        dev.bastion.secrets.OrgSecrets.Handle orgKey, IdentitySigner identitySigner, RotatingSecret hmacSecret, UpstreamTls tls) {
        this.tls = tls;
        this.orgKey = orgKey;
        this.connector = connector;
        this.name = name;
        this.config = config;
        this.destination = Destination.of(config.url());
        this.profile = new ClientProfile("upstream:" + name, config.connectTimeout(), config.maxConnections(), null, 64 * 1024, false, null,
                tls == null ? null : tls.profile());
        this.basePath = config.basePath();
        this.identitySigner = config.identityToken() ? identitySigner : null;
        this.hmacSecret = hmacSecret;
        this.apiKey = apiKey;
    }

    /** The credentials for one request: read once, so a request never mixes an old value with a new one. */
    private Derived credentials(Secret chosen) {
        Secret key = chosen != null ? chosen : apiKey == null ? null : apiKey.current();
        Secret hmac = hmacSecret == null ? null : hmacSecret.current();
        Derived d = derived;
        if (d != null && d.key == key && d.hmac == hmac) return d;
        // one org's key, or a previous key in its grace window, is not kept in the upstream's own slot
        if (chosen != null && (apiKey == null || chosen != apiKey.current())) return derive(key, hmac);
        d = derive(key, hmac);
        derived = d;
        return d;
    }

    private Derived derive(Secret key, Secret hmac) {
        Map<String, String> header = key == null ? Map.of() : Map.of(config.apiKeyHeader().headerName,
                config.apiKeyHeader() == UpstreamConfig.ApiKeyHeader.AUTHORIZATION ? "Bearer " + key.reveal() : key.reveal());
        return new Derived(key, header, hmac, hmac == null ? null : hmac.reveal().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String name() {
        return name;
    }

    /** Completes when the response headers arrive (body paused), or with the failure's kind. */
    @Override
    public Future<UpstreamResult> send(UpstreamRequest r) {
        if (orgKey == null) return apiKey == null ? send(r, null) : sendWithGrace(r);
        Identity id = r.exchange().identity();
        if (id == null && orgKey.perOrg()) {
            return Future.succeededFuture(new UpstreamFailure(UpstreamFailure.Kind.ORG_REQUIRED, name, "no caller org for " + orgKey.place()));
        }
        // Read for this org, off the event loop; the answer comes back on the request's context.
        java.util.concurrent.CompletableFuture<Secret> key = orgKey.get(id == null ? null : id.orgId());
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return (context == null ? Future.fromCompletionStage(key) : Future.fromCompletionStage(key, context)).transform(ar -> {
            if (ar.succeeded()) return send(r, ar.result());
            Throwable t = ar.cause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : ar.cause();
            boolean missing = t instanceof dev.bastion.secrets.OrgSecrets.KeyProblem p && p.problem() == dev.bastion.secrets.OrgSecrets.Problem.MISSING;
            return Future.succeededFuture(new UpstreamFailure(missing ? UpstreamFailure.Kind.PROVIDER_KEY_MISSING : UpstreamFailure.Kind.PROVIDER_KEY_UNAVAILABLE,
                    name, t.getMessage()));
        });
    }

    /**
     * Sends with the upstream's current key; when the provider refuses it with 401 within the grace window of a
     * rotation, sends once more with the key it replaced (a new key written to the secret store before it was
     * activated at the provider, or still propagating there). The refused answer's body is dropped unread.
     */
    private Future<UpstreamResult> sendWithGrace(UpstreamRequest r) {
        // Read once and sent as read: a rotation between two reads would send the new key while the retry below
        // thought the old one had been refused, and hand the provider's 401 to the client.
        Secret sentWith = apiKey.current();
        return send(r, sentWith).compose(result -> {
            Secret previous = apiKey.previousInGrace();
            if (!(result instanceof UpstreamResponse refused) || refused.status() != 401 || previous == null || previous == sentWith
                    || r.cancellation().cancelled()) {
                return Future.succeededFuture(result);
            }
            refused.abort();
            if (warnedFor != previous) {
                warnedFor = previous;
                log.warn("upstream {}: the provider refused the rotated key (401); requests are sent again with the previous key "
                        + "until the grace window ends: activate the new key at the provider", name);
            }
            r.exchange().logField("key", "previous_in_grace");
            return send(r, previous);
        });
    }

    /** @param key the key to send (an org's, or one read for a grace retry); null: the upstream's current one */
    private Future<UpstreamResult> send(UpstreamRequest r, Secret key) {
        if (tls != null) tls.refresh();
        Exchange ex = r.exchange();
        String target = r.target(basePath);
        MultiMap headers = headers(r, target, key);
        RequestOptions options = new RequestOptions()
                .setMethod(ex.method())
                .setURI(target)
                .setHeaders(headers)
                // Until the response headers arrive: the upstream's time to answer.
                .setIdleTimeout(config.responseTimeout().toMillis());
        long sentAt = System.nanoTime();
        // A deployment's credential goes on last, over the final headers and body (a signature covers what is sent).
        Future<Void> authed = r.auth() == null ? Future.succeededFuture()
                : r.auth().apply(new RequestAuth.Outgoing(ex.method().name(), target, headers, r.body()));
        return authed.transform(auth -> {
            // No credential (a token endpoint that failed): nothing reached the provider, so a retry is safe.
            if (auth.failed()) return Future.succeededFuture(UpstreamFailure.connecting(name, auth.cause()));
            return connector.request(destination, profile, options).transform(connected -> {
                // Not connected: nothing was sent, so the caller may safely try again (U3).
                if (connected.failed()) return Future.succeededFuture(UpstreamFailure.connecting(name, connected.cause()));
                HttpClientRequest req = connected.result();
                r.cancellation().onCancel(() -> req.connection().close());
                Buffer body = r.body();
                return (body == null || body.length() == 0 ? req.send() : req.send(body))
                        .<UpstreamResult>map(resp -> {
                            ex.upstreamNanos(System.nanoTime() - sentAt);
                            resp.pause();
                            MultiMap out = MultiMap.caseInsensitiveMultiMap();
                            ForwardHeaders.toClient(resp.headers(), out);
                            // Not the request's idle timeout: Vert.x keeps that timer (and the request) alive after the
                            // response ends; the caller enforces the body idle timeout and cancels it at the end.
                            return new UpstreamResponse(resp.statusCode(), out, resp, () -> req.connection().close(), config.idleTimeout().toMillis(),
                                    sentAt + config.totalTimeout().toNanos());
                        })
                        .otherwise(t -> UpstreamFailure.of(name, t));
            });
        });
    }

    private MultiMap headers(UpstreamRequest r, String target, Secret key) {
        Exchange ex = r.exchange();
        Derived credentials = credentials(key);
        MultiMap headers = ForwardHeaders.toUpstream(ex, destination.authority(), credentials.header(), r.inboundTls());
        if (r.identityEncoding()) headers.set("Accept-Encoding", "identity"); // a response filter must read the answer
        Identity id = ex.identity();
        if (id != null && identitySigner != null) headers.set("X-Bastion-Identity", identitySigner.sign(id, name, ex.requestId()));
        if (r.forwardUserToken() && config.kind() != UpstreamConfig.Kind.AI && id != null && "jwt".equals(id.credentialType())) {
            headers.set("Authorization", ex.headers().get("Authorization"));
        }
        if (credentials.hmacBytes() != null) {
            long ts = System.currentTimeMillis() / 1000;
            byte[] body = r.body() == null ? null : r.body().getBytes();
            headers.set(RequestSigner.TIMESTAMP_HEADER, Long.toString(ts));
            headers.set(RequestSigner.SIGNATURE_HEADER, RequestSigner.signature(credentials.hmacBytes(), ts, ex.method().name(), target, body));
        }
        if (r.providerHeaders() != null) {
            ForwardHeaders.removeClientWireFormat(headers); // the body is Bastion's translation: only its own headers describe it
            r.providerHeaders().forEach(headers::set); // not setAll: it clears the map first
        }
        return headers;
    }
}
