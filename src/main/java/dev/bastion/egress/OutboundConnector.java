package dev.bastion.egress;

import dev.bastion.net.IpAddresses;
import dev.bastion.observe.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way out: every HTTP call Bastion makes — proxying to upstreams, identity-provider discovery and
 * JWKS, the content classifier — opens its connection here, to a {@link Destination} that came from config.
 * What every call gets, whoever makes it: the egress policy ({@link EgressPolicy}: the name resolved once,
 * every address classified, the connection made to exactly the address that was checked, while TLS SNI,
 * certificate checks and {@code Host} keep the name), certificates and host names verified, redirects never
 * followed (a redirect would let whoever answers choose the next host), HTTP/1.1, and pooled connections
 * per {@link ClientProfile} and event loop, so a request and its outbound call stay on one thread.
 * No caller can go around it (ArchitectureTest keeps Vert.x HTTP clients out of every other package).
 */
public final class OutboundConnector {
    private record Pool(ClientProfile profile, Thread loop, boolean tls) {}

    private final Vertx vertx;
    private final EgressPolicy policy;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<Pool, HttpClientAgent> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public OutboundConnector(Vertx vertx, EgressPolicy policy, AuditLog audit, MeterRegistry registry) {
        this.vertx = vertx;
        this.policy = policy;
        this.audit = audit;
        this.registry = registry;
    }

    /**
     * Opens a request to {@code to}. {@code options} carry the method, path, headers and timeouts; its
     * host, port, server address, TLS and redirect settings are the connector's and are overwritten. Fails
     * with {@link EgressDenied} before any connection when the policy refuses an address the host resolves to.
     */
    public Future<HttpClientRequest> request(Destination to, ClientProfile profile, RequestOptions options) {
        if (closed) return Future.failedFuture(new IllegalStateException("the outbound connector is closed"));
        HttpClientAgent client = client(profile, to.tls()); // on the caller's thread: the pool is the caller's event loop's
        return resolve(to.host()).compose(addresses -> {
            List<byte[]> raw = addresses.stream().map(InetAddress::getAddress).toList();
            AddressClass refused = policy.refusal(to.host(), raw);
            if (refused != null) return Future.failedFuture(deny(to, profile, refused, addresses));
            // The checked address itself, with no name attached: nothing below resolves the host again.
            InetSocketAddress checked;
            try {
                checked = new InetSocketAddress(InetAddress.getByAddress(raw.get(0)), to.port());
            } catch (UnknownHostException e) {
                return Future.failedFuture(e); // not reached: the bytes came from an InetAddress
            }
            options.setHost(to.host()).setPort(to.port()).setServer(SocketAddress.inetSocketAddress(checked))
                    .setSsl(to.tls()).setFollowRedirects(false);
            return client.request(options);
        });
    }

    /**
     * Sends a GET or HEAD to {@code url} and follows up to {@code maxRedirects} redirects, for the callers that
     * must (a provider that moved an endpoint): every hop is parsed, resolved and checked by the egress policy
     * like the first, so a redirect to metadata or a private range fails with {@link EgressDenied}. The last
     * answer is returned whatever its status; a redirect beyond {@code maxRedirects} is returned, not followed.
     */
    public Future<HttpClientResponse> follow(URI url, ClientProfile profile, RequestOptions options, int maxRedirects) {
        HttpMethod method = options.getMethod();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return Future.failedFuture(new IllegalArgumentException("only GET and HEAD follow redirects, not " + method));
        }
        Destination to;
        try {
            to = Destination.of(url);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        return request(to, profile, new RequestOptions(options).setURI(target)).compose(HttpClientRequest::send).compose(resp -> {
            String location = resp.getHeader("Location");
            if (maxRedirects <= 0 || location == null || !REDIRECTS.contains(resp.statusCode())) return Future.succeededFuture(resp);
            // the redirect's own body is not read: it flows past without a handler, and the connection goes back to its pool
            URI next;
            try {
                // URI joins the location to the current URL (a backslash or other oddity fails here); the next hop's
                // host is then read by WhatwgUrl and checked like the first, so the connection goes where the check says.
                next = url.resolve(new URI(location));
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                return Future.failedFuture(new IllegalStateException("a redirect to an unusable location"));
            }
            return follow(next, profile, options, maxRedirects - 1);
        });
    }

    private static final java.util.Set<Integer> REDIRECTS = java.util.Set.of(301, 302, 303, 307, 308);

    /** Every address of the host, once: an IP literal as itself, a name through the Vert.x resolver (hosts file, DNS servers). */
    private Future<List<InetAddress>> resolve(String host) {
        // Bound to the caller's context either way: a caller's callbacks then run on its event loop, as they did
        // when the client's own future was returned (a context-less future would run them on whatever thread
        // registers them, racing the connection's loop for the response).
        io.vertx.core.internal.ContextInternal context = ((VertxInternal) vertx).getOrCreateContext();
        byte[] literal = IpAddresses.parse(host);
        if (literal != null) {
            try {
                return context.succeededFuture(List.of(InetAddress.getByAddress(literal)));
            } catch (UnknownHostException e) {
                return context.failedFuture(e);
            }
        }
        Promise<List<InetSocketAddress>> resolved = context.promise();
        ((VertxInternal) vertx).nameResolver().resolveAll(host, resolved::handle);
        return resolved.future().compose(list -> list.isEmpty()
                ? Future.failedFuture(new UnknownHostException(host))
                : Future.succeededFuture(list.stream().map(InetSocketAddress::getAddress).toList()));
    }

    private EgressDenied deny(Destination to, ClientProfile profile, AddressClass refused, List<InetAddress> addresses) {
        Counter.builder("bastion_egress_denied_total").description("Outbound connections the egress policy refused")
                .tag("class", refused.label()).tag("caller", profile.name()).register(registry).increment();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("caller", profile.name());
        fields.put("host", to.host());
        fields.put("port", to.port());
        fields.put("class", refused.label());
        fields.put("addresses", addresses.stream().map(a -> IpAddresses.format(a.getAddress())).toList()); // the audit trail is the operator's
        audit.event("egress_denied", fields);
        return new EgressDenied(refused);
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
        if (p.caFile() != null) options.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(p.caFile().toString()));
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
