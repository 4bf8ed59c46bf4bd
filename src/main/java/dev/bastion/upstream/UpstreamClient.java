package dev.bastion.upstream;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Identity;
import dev.bastion.config.UpstreamConfig;
import dev.bastion.secrets.Secret;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends requests to one configured upstream (U1, U2). Its URL comes only from config: a request can
 * pick the path, never the host. The upstream's key is injected here and nowhere else. Redirects are
 * not followed (a redirect is passed to the client, which cannot make Bastion fetch another host).
 */
public final class UpstreamClient {
    private final String name;
    private final UpstreamConfig config;
    private final HttpClientAgent client;
    private final String authority;
    private final String basePath;
    private final Map<String, String> providerKey;
    private final IdentitySigner identitySigner;
    private final byte[] hmacSecret;

    /** Signs {@code X-Bastion-Identity} for one request to one upstream. */
    @FunctionalInterface
    public interface IdentitySigner {
        String sign(Identity identity, String upstream, String requestId);
    }

    /**
     * @param identitySigner signs the identity header; null when this upstream gets none
     * @param hmacSecret     request-signing secret (Z5); null when this upstream wants no signature
     */
    public UpstreamClient(Vertx vertx, String name, UpstreamConfig config, Secret apiKey, IdentitySigner identitySigner, Secret hmacSecret) {
        this.name = name;
        this.config = config;
        this.identitySigner = config.identityToken() ? identitySigner : null;
        this.hmacSecret = hmacSecret == null ? null : hmacSecret.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setPipelining(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setDecompressionSupported(false)
                .setMaxHeaderSize(64 * 1024)
                .setSsl(config.tls())
                .setVerifyHost(true)
                .setTrustAll(false);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(config.maxConnections()));
        int defaultPort = config.tls() ? 443 : 80;
        this.authority = config.url().getHost() + (config.port() == defaultPort ? "" : ":" + config.port());
        this.basePath = config.basePath();
        this.providerKey = apiKey == null ? Map.of() : Map.of(config.apiKeyHeader().headerName,
                config.apiKeyHeader() == UpstreamConfig.ApiKeyHeader.AUTHORIZATION ? "Bearer " + apiKey.reveal() : apiKey.reveal());
    }

    public String name() {
        return name;
    }

    /**
     * Sends the exchange's request (with its buffered body) to {@code rawPath} on this upstream.
     * Completes when the response headers arrive; fails with {@link UpstreamFailure}.
     *
     * @param rawPath    path as received (already validated), possibly with a route prefix stripped
     * @param inboundTls whether the client connection used TLS (for X-Forwarded-Proto)
     * @param forwardUserToken pass the caller's IdP token on (the route allows it; never for kind ai)
     * @param onRequest  receives the request as soon as it exists, so the caller can reset it if its client leaves
     */
    public Future<UpstreamResponse> send(Exchange ex, String rawPath, boolean inboundTls, boolean forwardUserToken,
                                         Consumer<HttpClientRequest> onRequest) {
        String uri = basePath + rawPath + (ex.rawQuery() == null ? "" : "?" + ex.rawQuery());
        MultiMap headers = ForwardHeaders.toUpstream(ex, authority, providerKey, inboundTls);
        Identity id = ex.identity();
        if (id != null && identitySigner != null) headers.set("X-Bastion-Identity", identitySigner.sign(id, name, ex.requestId()));
        if (forwardUserToken && config.kind() != UpstreamConfig.Kind.AI && id != null && "jwt".equals(id.credentialType())) {
            headers.set("Authorization", ex.headers().get("Authorization"));
        }
        if (hmacSecret != null) {
            long ts = System.currentTimeMillis() / 1000;
            byte[] body = ex.body() == null ? null : ex.body().getBytes();
            headers.set(RequestSigner.TIMESTAMP_HEADER, Long.toString(ts));
            headers.set(RequestSigner.SIGNATURE_HEADER, RequestSigner.signature(hmacSecret, ts, ex.method().name(), uri, body));
        }
        RequestOptions options = new RequestOptions()
                .setMethod(ex.method())
                .setHost(config.url().getHost())
                .setPort(config.port())
                .setSsl(config.tls())
                .setURI(uri)
                .setHeaders(headers)
                .setFollowRedirects(false)
                // Until the response headers arrive: the upstream's time to answer.
                .setIdleTimeout(config.responseTimeout().toMillis());
        long sentAt = System.nanoTime();
        return client.request(options)
                .compose(req -> {
                    onRequest.accept(req);
                    Buffer body = ex.body();
                    Future<io.vertx.core.http.HttpClientResponse> response = body == null || body.length() == 0 ? req.send() : req.send(body);
                    return response.map(resp -> {
                        ex.upstreamNanos(System.nanoTime() - sentAt);
                        resp.pause();
                        MultiMap out = MultiMap.caseInsensitiveMultiMap();
                        ForwardHeaders.toClient(resp.headers(), out);
                        // Not req.idleTimeout(): Vert.x keeps that timer (and the request) alive after the
                        // response ends; the caller enforces the body idle timeout and cancels it at the end.
                        return new UpstreamResponse(resp.statusCode(), out, resp, (HttpClientRequest) req, config.idleTimeout().toMillis());
                    });
                })
                .recover(t -> Future.failedFuture(t instanceof UpstreamFailure ? t : UpstreamFailure.classify(name, t)));
    }

    public Future<Void> close() {
        return client.close();
    }
}
