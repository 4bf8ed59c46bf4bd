package dev.bastion.server;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Faults;
import dev.bastion.chain.Verdict;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener on one event loop. The public listener runs one instance per event loop, all on the same
 * port; each has its own connection deadlines, while the routes, controls and upstream pools (kept per
 * loop by the outbound connector) are shared. Every request goes to a {@link ChainRunner}.
 */
final class ListenerVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(ListenerVerticle.class);

    /** The listener's current snapshot; each request reads it once and keeps it to the end, whatever a reload swaps in meanwhile. */
    private final java.util.function.Supplier<Listener> listener;
    private final HttpServerOptions options;
    private final long headerTimeoutMs;
    private final long idleTimeoutMs;
    private volatile Set<String> takenLoops = Set.of();
    private java.util.function.Predicate<java.security.cert.X509Certificate[]> clientVerifier;
    private volatile String eventLoop;
    private HttpServer server;
    private ConnectionDeadlines deadlines;
    private dev.bastion.observe.EventLoopLag lag;
    private dev.bastion.observe.EventLoopLag.Probe lagProbe;

    ListenerVerticle(Listener listener, HttpServerOptions options, long headerTimeoutMs, long idleTimeoutMs) {
        this(() -> listener, options, headerTimeoutMs, idleTimeoutMs);
    }

    ListenerVerticle(java.util.function.Supplier<Listener> listener, HttpServerOptions options, long headerTimeoutMs, long idleTimeoutMs) {
        this.listener = listener;
        this.options = options;
        this.headerTimeoutMs = headerTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /** On a listener that asks for client certificates: whether its CAs verify a chain (the session is handed to the chain). */
    ListenerVerticle clientCertificates(java.util.function.Predicate<java.security.cert.X509Certificate[]> verifier) {
        this.clientVerifier = verifier;
        return this;
    }

    /** Measures the lag of the loop this instance serves on while it runs. */
    ListenerVerticle measuringLag(dev.bastion.observe.EventLoopLag lag) {
        this.lag = lag;
        return this;
    }

    /** The event loop this instance serves on (its start runs there). */
    String eventLoop() {
        return eventLoop;
    }

    /** Loops other instances serve on: started on one of them, this instance refuses to start, before it listens. */
    ListenerVerticle refusingLoops(Set<String> taken) {
        this.takenLoops = Set.copyOf(taken);
        return this;
    }

    /** The start refused because another instance serves on this loop. */
    static final class LoopTaken extends RuntimeException {
        LoopTaken(String loop) {
            super("another instance serves on " + loop, null, false, false);
        }
    }

    @Override
    public Future<?> start() {
        eventLoop = Thread.currentThread().getName();
        if (takenLoops.contains(eventLoop)) return Future.failedFuture(new LoopTaken(eventLoop));
        deadlines = new ConnectionDeadlines(vertx, headerTimeoutMs, idleTimeoutMs);
        if (lag != null) lagProbe = lag.measureCurrentLoop(vertx, eventLoop);
        server = vertx.createHttpServer(options)
                .connectionHandler(c -> {
                    deadlines.opened(c);
                    NettyEdge.install(c);
                })
                .invalidRequestHandler(new InvalidRequestHandler(listener, deadlines))
                .requestHandler(this::handle);
        // a listener that fails to start is never stopped: its probe must not outlive it
        return server.listen().onFailure(t -> {
            if (lagProbe != null) lagProbe.close();
        });
    }

    private void handle(HttpServerRequest req) {
        deadlines.requestStarted(req.connection());
        req.pause();
        HttpAdapter adapter = null;
        Exchange ex = null;
        Listener snapshot = listener.get();
        try {
            adapter = new HttpAdapter(vertx, req, deadlines);
            ex = adapter.exchange(snapshot.clientIps(), snapshot.tls(), System.nanoTime(), snapshot::traceTrusted);
            if (clientVerifier != null && req.isSSL() && req.connection().sslSession() != null) {
                ex.attribute(dev.bastion.chain.ClientCertificate.class, new dev.bastion.chain.ClientCertificate(req.connection().sslSession(), clientVerifier));
            }
            new ChainRunner(snapshot, adapter, ex).start();
        } catch (RuntimeException e) {
            // A bug in the request path: the client still gets the JSON shape (500, no internals), and the
            // connection is closed because its state is unknown.
            log.error("request {}: internal error: {}", ex == null ? "-" : ex.requestId(), Faults.describe(e), Faults.withoutMessages(e));
            if (adapter == null || ex == null || adapter.headWritten() || req.response().ended()) {
                req.connection().close();
            } else {
                Responses.error(adapter, ex, new Verdict.Deny(500, "internal_error", "Bastion failed to process the request.").closing(), null);
            }
        }
    }

    int actualPort() {
        return server.actualPort();
    }

    /**
     * Stops accepting connections and lets those open finish their requests (an idle keep-alive connection is closed
     * at once); after {@code timeout} what is still open is closed, cutting a stream mid-way.
     */
    Future<Void> drain(java.time.Duration timeout) {
        return server == null ? Future.succeededFuture() : server.shutdown(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public Future<?> stop() {
        if (deadlines != null) deadlines.stop();
        if (lagProbe != null) lagProbe.close();
        return server == null ? Future.succeededFuture() : server.close();
    }
}
