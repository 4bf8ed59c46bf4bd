package dev.bastion.egress;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way out: every HTTP call Bastion makes — proxying to upstreams, identity-provider discovery and
 * JWKS, the content classifier — opens its connection here, to a {@link Destination} that came from config.
 * What every call gets, whoever makes it: certificates and host names verified, redirects never followed
 * (a redirect would let whoever answers choose the next host), HTTP/1.1, and pooled connections per
 * {@link ClientProfile} and event loop, so a request and its outbound call stay on one thread.
 * An egress policy (which addresses may be reached) belongs here, in {@link #request}, where the
 * destination is turned into a connection; no caller can go around it (ArchitectureTest keeps Vert.x HTTP
 * clients out of every other package).
 */
public final class OutboundConnector {
    private record Pool(ClientProfile profile, Thread loop, boolean tls) {}

    private final Vertx vertx;
    private final ConcurrentHashMap<Pool, HttpClientAgent> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public OutboundConnector(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Opens a request to {@code to}. {@code options} carry the method, path, headers and timeouts; its
     * host, port, TLS and redirect settings are the connector's and are overwritten.
     */
    public Future<HttpClientRequest> request(Destination to, ClientProfile profile, RequestOptions options) {
        if (closed) return Future.failedFuture(new IllegalStateException("the outbound connector is closed"));
        options.setHost(to.host()).setPort(to.port()).setSsl(to.tls()).setFollowRedirects(false);
        return client(profile, to.tls()).request(options);
    }

    private HttpClientAgent client(ClientProfile profile, boolean tls) {
        // Keyed by the calling event loop: a pool's connections are bound to the loop that opened them.
        Thread loop = Context.isOnEventLoopThread() ? Thread.currentThread() : null;
        return clients.computeIfAbsent(new Pool(profile, loop, tls), this::create);
    }

    private HttpClientAgent create(Pool pool) {
        ClientProfile p = pool.profile();
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setPipelining(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, p.connectTimeout().toMillis()))
                .setDecompressionSupported(p.decompress())
                .setMaxHeaderSize(p.maxHeaderBytes())
                .setSsl(pool.tls())
                .setVerifyHost(true)
                .setTrustAll(false)
                .setName("bastion-" + p.name());
        if (p.keepAliveTimeout() != null) options.setKeepAliveTimeout((int) Math.max(1, p.keepAliveTimeout().toSeconds()));
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(p.maxConnections()));
    }

    /** Closes every pool; later requests fail. */
    public Future<Void> close() {
        closed = true;
        List<Future<Void>> closing = new ArrayList<>();
        clients.values().forEach(c -> closing.add(c.close()));
        clients.clear();
        return Future.join(closing).mapEmpty();
    }
}
