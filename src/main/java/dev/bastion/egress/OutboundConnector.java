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
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
    /** @param context the calling context (its root: not a request's duplicate), or null off an event loop */
    private record Pool(ClientProfile profile, Context context, boolean tls) {}
    private record NetPool(ClientProfile profile, Duration idleTimeout) {}

    private final Vertx vertx;
    private final EgressPolicy policy;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<Pool, HttpClientAgent> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NetPool, NetClient> netClients = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile Context home; // where calls made outside an event loop run

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
        return request(to, profile, options, null);
    }

    /**
     * As {@link #request(Destination, ClientProfile, RequestOptions)}, with {@code gate} deciding which addresses
     * the destination may have instead of the config's egress policy: the egress proxy's ACL, or a policy that
     * trusts no configured host for a URL a client named (a link preview). The caller records its own refusals,
     * so none is audited here. Null {@code gate}: the egress policy.
     */
    public Future<HttpClientRequest> request(Destination to, ClientProfile profile, RequestOptions options, AddressGate gate) {
        if (!Context.isOnEventLoopThread()) return onHomeLoop(() -> request(to, profile, options, gate));
        if (closed) return Future.failedFuture(new IllegalStateException("the outbound connector is closed"));
        HttpClientAgent client = client(profile, to.tls()); // on the caller's thread: the pool is the caller's event loop's
        return checked(to.host(), to.port(), profile, gate).compose(checked -> {
            options.setHost(to.host()).setPort(to.port()).setSsl(to.tls()).setFollowRedirects(false);
            return connect(client, options, checked, 0);
        });
    }

    /**
     * Runs a call made outside an event loop (start-up, a watcher's thread, a worker) on one home loop of this
     * connector's. Pools are per calling loop; without a home, every such call got an ad-hoc context of its own
     * on a shared loop-less pool, and a pooled connection used from another context than the one that opened it
     * could leave a request hanging until its timeout.
     */
    private <T> Future<T> onHomeLoop(java.util.function.Supplier<Future<T>> call) {
        Context h = home;
        if (h == null) {
            synchronized (this) {
                if (home == null) home = ((VertxInternal) vertx).createEventLoopContext();
                h = home;
            }
        }
        // Bound to the home context: a caller's handlers run on the home loop even when they are attached after the
        // call completed, never on the caller's thread (a request sent from there raced its own response's handlers).
        Promise<T> done = ((io.vertx.core.internal.ContextInternal) h).promise();
        h.runOnContext(v -> {
            try {
                call.get().onComplete(done);
            } catch (RuntimeException e) {
                done.fail(e);
            }
        });
        return done.future();
    }

    /** Addresses of one name tried in turn when a connection cannot be made (an unreachable IPv6 beside a working IPv4). */
    static final int MAX_ADDRESSES_TRIED = 3;

    /**
     * Opens the request to the {@code i}th checked address — the address itself, with no name attached, so nothing
     * below resolves the host again — and to the next one when nothing could be connected (refused, unreachable,
     * timed out: nothing was sent, so trying another address cannot send anything twice).
     */
    private Future<HttpClientRequest> connect(HttpClientAgent client, RequestOptions options, List<InetSocketAddress> checked, int i) {
        options.setServer(SocketAddress.inetSocketAddress(checked.get(i)));
        Future<HttpClientRequest> opened = client.request(options);
        if (i + 1 >= Math.min(checked.size(), MAX_ADDRESSES_TRIED)) return opened;
        return opened.recover(t -> t instanceof java.net.ConnectException || t instanceof io.netty.channel.ConnectTimeoutException
                || t instanceof java.net.NoRouteToHostException
                ? connect(client, options, checked, i + 1) : Future.failedFuture(t));
    }

    /**
     * A TCP connection to {@code host:port} for the egress proxy's {@code CONNECT} tunnels: the name resolved
     * once, every address put to {@code gate}, the connection made to exactly the first checked address (so DNS
     * rebinding cannot move it). Fails with {@link EgressDenied} before any connection when the gate refuses;
     * with Netty's {@code ConnectTimeoutException} after {@code profile}'s connect timeout; with an
     * {@link UnknownHostException} for a name that does not resolve. A socket idle either way for
     * {@code idleTimeout} is closed.
     */
    public Future<NetSocket> tunnel(String host, int port, ClientProfile profile, Duration idleTimeout, AddressGate gate) {
        if (!Context.isOnEventLoopThread()) return onHomeLoop(() -> tunnel(host, port, profile, idleTimeout, gate));
        if (closed) return Future.failedFuture(new IllegalStateException("the outbound connector is closed"));
        String h = Destination.canonicalHost(host);
        NetClient client = netClients.computeIfAbsent(new NetPool(profile, idleTimeout), this::createNet);
        return checked(h, port, profile, gate).compose(checked -> client.connect(SocketAddress.inetSocketAddress(checked.getFirst())));
    }

    /** The addresses to connect to, in the resolver's order, once every one of them passed the check. */
    private Future<List<InetSocketAddress>> checked(String host, int port, ClientProfile profile, AddressGate gate) {
        return resolve(host).compose(addresses -> {
            List<byte[]> raw = addresses.stream().map(InetAddress::getAddress).toList();
            AddressClass refused = gate == null ? policy.refusal(host, raw) : gate.refusal(host, raw);
            if (refused != null) {
                return Future.failedFuture(gate == null ? deny(host, port, profile, refused, addresses) : new EgressDenied(refused));
            }
            // The checked addresses themselves, with no name attached: nothing below resolves the host again.
            List<InetSocketAddress> out = new ArrayList<>(raw.size());
            try {
                for (byte[] a : raw) out.add(new InetSocketAddress(InetAddress.getByAddress(a), port));
            } catch (UnknownHostException e) {
                return Future.failedFuture(e); // not reached: the bytes came from an InetAddress
            }
            return Future.succeededFuture(out);
        });
    }

    /** Decides which addresses a destination may have: the class that refuses one of them, or null when all may be reached. */
    @FunctionalInterface
    public interface AddressGate {
        AddressClass refusal(String host, List<byte[]> addresses);
    }

    /**
     * Sends a GET or HEAD to {@code url} and follows up to {@code maxRedirects} redirects, for the callers that
     * must (a provider that moved an endpoint): every hop is parsed, resolved and checked by the egress policy
     * like the first, so a redirect to metadata or a private range fails with {@link EgressDenied}. The last
     * answer is returned whatever its status; a redirect beyond {@code maxRedirects} is returned, not followed.
     * Read the answer's body from a handler on an event loop: one attached later from another thread can miss
     * data that arrived in between.
     */
    public Future<HttpClientResponse> follow(URI url, ClientProfile profile, RequestOptions options, int maxRedirects) {
        if (!Context.isOnEventLoopThread()) return onHomeLoop(() -> follow(url, profile, options, maxRedirects));
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

    /** A whole answer of a document Bastion reads itself (a JWKS, a token endpoint's JSON). */
    public record WholeResponse(int status, io.vertx.core.MultiMap headers, io.vertx.core.buffer.Buffer body) {}

    /** An answer larger than its caller's cap; the connection was reset, nothing more was read. */
    public static final class TooLarge extends java.io.IOException {
        public TooLarge(long maxBytes) {
            super("the answer is larger than " + maxBytes + " bytes");
        }
    }

    /**
     * Sends a request and reads its whole answer, for the documents Bastion reads itself: at most {@code maxBytes}
     * ({@link TooLarge} — by {@code Content-Length}, or counted as it arrives) and within one {@code deadline} for
     * everything, connecting included ({@link java.util.concurrent.TimeoutException}). An idle timeout alone
     * restarts on every byte, so an answer trickling a byte a second could hold the caller for as long as it likes.
     *
     * @param body the request body, or null
     */
    public Future<WholeResponse> whole(Destination to, ClientProfile profile, RequestOptions options, io.vertx.core.buffer.Buffer body,
                                       long maxBytes, java.time.Duration deadline) {
        if (!Context.isOnEventLoopThread()) return onHomeLoop(() -> whole(to, profile, options, body, maxBytes, deadline));
        io.vertx.core.internal.ContextInternal context = ((VertxInternal) vertx).getOrCreateContext();
        Promise<WholeResponse> done = context.promise();
        java.util.concurrent.atomic.AtomicReference<HttpClientRequest> sent = new java.util.concurrent.atomic.AtomicReference<>();
        long timer = vertx.setTimer(Math.max(1, deadline.toMillis()), t -> {
            if (done.tryFail(new java.util.concurrent.TimeoutException("no whole answer within " + deadline.toMillis() + "ms"))) {
                HttpClientRequest r = sent.get();
                if (r != null) r.reset();
            }
        });
        done.future().onComplete(x -> vertx.cancelTimer(timer));
        options.setConnectTimeout(Math.min(deadline.toMillis(), profile.connectTimeout().toMillis())).setIdleTimeout(deadline.toMillis());
        request(to, profile, options).compose(req -> {
            sent.set(req);
            if (done.future().isComplete()) {
                req.reset();
                return Future.<HttpClientResponse>failedFuture("abandoned");
            }
            return body == null ? req.send() : req.send(body);
        }).onComplete(ar -> {
            if (ar.failed()) {
                done.tryFail(ar.cause());
                return;
            }
            HttpClientResponse resp = ar.result();
            String length = resp.getHeader("Content-Length");
            if (length != null && declaredOver(length, maxBytes)) {
                done.tryFail(new TooLarge(maxBytes));
                resp.request().reset();
                return;
            }
            io.vertx.core.buffer.Buffer whole = io.vertx.core.buffer.Buffer.buffer();
            resp.handler(chunk -> {
                if (done.future().isComplete()) return;
                if (whole.length() + chunk.length() > maxBytes) {
                    done.tryFail(new TooLarge(maxBytes));
                    resp.request().reset();
                    return;
                }
                whole.appendBuffer(chunk);
            });
            resp.exceptionHandler(done::tryFail);
            resp.endHandler(v -> done.tryComplete(new WholeResponse(resp.statusCode(), resp.headers(), whole)));
        });
        return done.future();
    }

    private static boolean declaredOver(String length, long max) {
        String l = length.strip();
        if (l.isEmpty() || l.length() > 18 || !l.chars().allMatch(Character::isDigit)) return true; // unreadable: not trusted to be small
        return Long.parseLong(l) > max;
    }

    private static final java.util.Set<Integer> REDIRECTS = java.util.Set.of(301, 302, 303, 307, 308);

    /**
     * Every address {@code host} resolves to through the resolver every outbound call uses, formatted; for checks
     * that must see the same DNS as the connections (the verified-bot check). Fails when the name does not resolve.
     */
    public Future<List<String>> addresses(String host) {
        return resolve(host).map(list -> list.stream().map(a -> IpAddresses.format(a.getAddress())).toList());
    }

    /**
     * The class {@code gate} refuses among the addresses {@code host} resolves to — through the resolver every
     * outbound call uses — or null when all pass; for URLs another server will fetch. Fails when the name does
     * not resolve.
     */
    public Future<AddressClass> judge(String host, AddressGate gate) {
        return resolve(host).map(list -> gate.refusal(host, list.stream().map(InetAddress::getAddress).toList()));
    }

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

    private EgressDenied deny(String host, int port, ClientProfile profile, AddressClass refused, List<InetAddress> addresses) {
        Counter.builder("bastion_egress_denied_total").description("Outbound connections the egress policy refused")
                .tag("class", refused.label()).tag("caller", profile.name()).register(registry).increment();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("caller", profile.name());
        fields.put("host", host);
        fields.put("port", port);
        fields.put("class", refused.label());
        fields.put("addresses", addresses.stream().map(a -> IpAddresses.format(a.getAddress())).toList()); // the audit trail is the operator's
        audit.event("egress_denied", fields);
        return new EgressDenied(refused);
    }

    private HttpClientAgent client(ClientProfile profile, boolean tls) {
        // Keyed by the calling context, not only its thread: a pool's connections are bound to the context that
        // opened them, and a connection another context on the same loop reused answered a tick late — its response
        // could end before the caller's handlers were set (a classifier call then waited out its timeout). The root
        // context: a request's duplicated context would make a pool per request.
        Context ctx = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
        Context root = ctx instanceof io.vertx.core.internal.ContextInternal ci ? ci.unwrap() : ctx;
        return clients.computeIfAbsent(new Pool(profile, root, tls), this::create);
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
        if (p.tls() != null && p.tls().trust() != null) options.setTrustOptions(io.vertx.core.net.TrustOptions.wrap(p.tls().trust()));
        if (p.tls() != null && p.tls().keys() != null) options.setKeyCertOptions(io.vertx.core.net.KeyCertOptions.wrap(p.tls().keys()));
        if (p.tls() != null && p.tls().engine() != null) options.setSslEngineOptions(p.tls().engine());
        if (p.keepAliveTimeout() != null) options.setKeepAliveTimeout((int) Math.max(1, p.keepAliveTimeout().toSeconds()));
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(p.maxConnections()));
    }

    private NetClient createNet(NetPool pool) {
        return vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, pool.profile().connectTimeout().toMillis()))
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, pool.idleTimeout().toMillis())).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true));
    }

    /** Closes every pool and every tunnel; later requests fail. */
    public Future<Void> close() {
        closed = true;
        List<Future<Void>> closing = new ArrayList<>();
        clients.values().forEach(c -> closing.add(c.close()));
        clients.clear();
        netClients.values().forEach(c -> closing.add(c.close()));
        netClients.clear();
        return Future.join(closing).mapEmpty();
    }
}
