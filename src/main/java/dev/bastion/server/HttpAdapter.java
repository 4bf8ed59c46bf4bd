package dev.bastion.server;

import dev.bastion.chain.Exchange;
import dev.bastion.edge.ClientIpResolver;
import dev.bastion.edge.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;

/**
 * Vert.x in, Vert.x out: turns an {@link HttpServerRequest} into an {@link Exchange} and implements the
 * {@link ClientChannel} the runner writes to. The only class on the request path that knows the HTTP
 * server's types; it decides nothing.
 */
final class HttpAdapter implements ClientChannel {
    static final HttpMethod INVALID_METHOD = HttpMethod.valueOf("INVALID");

    private final Vertx vertx;
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final ConnectionDeadlines deadlines;
    /** A chunked request may have been framed two ways (CL.TE): RFC 9112 §6.1 — close after answering it. */
    private final boolean closeAfterAnswer;
    /** The request declares a body (a length over 0, or chunks). */
    private final boolean hasBody;
    private Runnable gone;
    private Runnable malformed;
    private Runnable done;
    private boolean doneRan;

    HttpAdapter(Vertx vertx, HttpServerRequest req, ConnectionDeadlines deadlines) {
        this.vertx = vertx;
        this.req = req;
        this.resp = req.response();
        this.deadlines = deadlines;
        this.closeAfterAnswer = req.headers().contains("Transfer-Encoding");
        String length = req.getHeader("Content-Length");
        this.hasBody = closeAfterAnswer || (length != null && !"0".equals(length.trim()));
        // On a client disconnect Vert.x calls the exception handler first, then the close handler. When the
        // decoder refuses what follows the headers, the same handlers hear of it — and the connection is
        // closed as soon as they return, so the answer must be written now.
        resp.exceptionHandler(t -> {
            if (isDecoderFailure(t)) malformed();
            else clientGone();
        });
        req.exceptionHandler(t -> {
            if (isDecoderFailure(t)) malformed();
        });
        resp.closeHandler(v -> clientGone());
        resp.endHandler(v -> runDone());
    }

    /** The exchange this request starts: its facts as received, nothing decoded yet but the client's address. */
    Exchange exchange(ClientIpResolver ips, boolean tls, long startNanos) {
        return exchange(ips, tls, startNanos, ips::trusts);
    }

    /** @param traceTrust whether a peer's trace context is continued (docs/observability.md#trust) */
    Exchange exchange(ClientIpResolver ips, boolean tls, long startNanos, java.util.function.Predicate<String> traceTrust) {
        String peer = peer();
        String path = req.path() == null ? "" : req.path();
        String query = req.query();
        // A fragment is the client's own business (RFC 9110 §4.2.4): it is never forwarded.
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash);
            query = null;
        } else if (query != null && query.indexOf('#') >= 0) {
            query = query.substring(0, query.indexOf('#'));
        }
        HostAndPort authority = req.authority();
        return Exchange.builder()
                .requestId(RequestIds.acceptOrGenerate(req.getHeader("X-Request-Id")))
                .clientIp(ips.resolve(peer, req.headers().getAll("X-Forwarded-For")))
                .method(req.method() == null ? INVALID_METHOD : req.method())
                .rawPath(path).path(null).rawQuery(query)
                .host(authority == null ? null : authority.host().toLowerCase(Locale.ROOT))
                .protocol(req.version() == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : req.version() == HttpVersion.HTTP_2 ? "HTTP/2" : "HTTP/1.1")
                .headers(req.headers())
                // TLS here, or terminated by a trusted proxy that says so: decides HSTS and X-Forwarded-Proto.
                .secure(tls || (ips.trusts(peer) && "https".equalsIgnoreCase(req.getHeader("X-Forwarded-Proto"))))
                .startNanos(startNanos)
                .traceTrusted(traceTrust.test(peer))
                .build();
    }

    private String peer() {
        SocketAddress a = req.remoteAddress();
        return a == null ? "0.0.0.0" : a.hostAddress();
    }

    @Override
    public Future<Buffer> readBody(long maxBytes, long timeoutMillis) {
        Promise<Buffer> read = Promise.promise();
        if (hasBody && req.getHeader("Expect") != null) resp.writeContinue(); // only now: the caller passed the chain so far
        Buffer body = Buffer.buffer();
        long timer = vertx.setTimer(timeoutMillis, id -> read.tryFail(new BodyRefused(408, "body_timeout", "The request body was not received in time.")));
        req.exceptionHandler(t -> {
            vertx.cancelTimer(timer);
            if (isDecoderFailure(t)) malformed();
            read.tryFail(t);
        });
        req.handler(chunk -> {
            if ((long) body.length() + chunk.length() > maxBytes) {
                vertx.cancelTimer(timer);
                read.tryFail(new BodyRefused(413, "body_too_large", "The request body exceeds " + maxBytes + " bytes."));
            } else if (!read.future().isComplete()) {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> {
            vertx.cancelTimer(timer);
            read.tryComplete(body.length() == 0 ? null : body);
        });
        req.resume();
        return read.future();
    }

    @Override
    public MultiMap responseHeaders() {
        return resp.headers();
    }

    /**
     * On HTTP/2 a request is a stream: closing after an answer ends that stream (an unread body is reset by the
     * protocol), never the connection other streams share, and {@code Connection} does not exist (RFC 9113 §8.2.2).
     */
    private boolean h2() {
        return req.version() == HttpVersion.HTTP_2;
    }

    @Override
    public void respond(int status, Buffer body, boolean close) {
        boolean unread = !req.isEnded();
        if (h2()) {
            // a body left unsent is cancelled (RST_STREAM NO_ERROR after the answer, RFC 9113 §8.1), not read
            resp.setStatusCode(status).end(body).onComplete(v -> {
                if (unread && hasBody && !req.isEnded()) resp.reset(0);
            });
            if (unread && !hasBody) req.resume();
            return;
        }
        // An unread body would otherwise have to be read to its end before the next request.
        boolean closing = close || closeAfterAnswer || (unread && hasBody);
        if (closing) resp.headers().set("Connection", "close");
        resp.setStatusCode(status).end(body).onComplete(v -> {
            if (closing && unread) LingeringClose.start(vertx, req);
            else if (closing) req.connection().close();
        });
        // A body-less request's end is still queued while paused: let it be read, or the connection stalls.
        if (!closing && unread) req.resume();
    }

    @Override
    public void startStream(int status, boolean bodyless) {
        resp.setStatusCode(status);
        if (closeAfterAnswer && !h2()) resp.headers().set("Connection", "close");
        if (!bodyless && !resp.headers().contains("Content-Length")) resp.setChunked(true);
    }

    @Override
    public void write(Buffer chunk) {
        resp.write(chunk);
    }

    @Override
    public boolean writeQueueFull() {
        return resp.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        resp.drainHandler(v -> resume.run());
    }

    @Override
    public void endStream(Buffer last) {
        if (!resp.headWritten() && resp.isChunked()) {
            // Held whole by a filter: its length is known now, and one write carries the head and the body.
            resp.setChunked(false);
            resp.headers().set("Content-Length", Integer.toString(last == null ? 0 : last.length()));
        }
        (last == null || last.length() == 0 ? resp.end() : resp.end(last)).onComplete(v -> {
            if (closeAfterAnswer && !h2()) req.connection().close();
        });
    }

    @Override
    public void cut() {
        // A truncated answer must not look complete: HTTP/2 resets the stream (INTERNAL_ERROR), HTTP/1.1 loses the connection.
        if (h2()) resp.reset(0x2);
        else req.connection().close();
    }

    @Override
    public boolean headWritten() {
        return resp.headWritten();
    }

    @Override
    public void onGone(Runnable gone) {
        this.gone = gone;
    }

    @Override
    public void onMalformed(Runnable malformed) {
        this.malformed = malformed;
    }

    @Override
    public void onDone(Runnable done) {
        this.done = done;
    }

    private void clientGone() {
        if (doneRan || resp.ended()) return;
        Runnable g = gone;
        gone = null;
        if (g != null) g.run();
        runDone();
    }

    /** A chunk line (or other framing after the headers) the decoder could not parse; not a vanished client. */
    private static boolean isDecoderFailure(Throwable t) {
        return t instanceof io.netty.handler.codec.DecoderException || t instanceof IllegalArgumentException;
    }

    private void malformed() {
        Runnable m = malformed;
        malformed = null;
        if (m != null && !resp.ended()) m.run();
    }

    private void runDone() {
        if (doneRan) return;
        doneRan = true;
        if (deadlines != null) deadlines.requestFinished(req.connection());
        if (done != null) done.run();
    }
}
