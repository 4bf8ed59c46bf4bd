package dev.bastion.server;

import dev.bastion.chain.Chain;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.LocalEndpoint;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import dev.bastion.chain.ErrorBody;
import dev.bastion.edge.HeaderSpellings;
import dev.bastion.edge.PathNormalizer;
import dev.bastion.edge.RequestIds;
import dev.bastion.edge.SecurityHeaders;
import dev.bastion.ipfilter.AddressFilter;
import dev.bastion.upstream.UpstreamFailure;
import dev.bastion.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's way through the gateway: edge checks, route match, the chain before the body, the
 * body read (bounded in size and time), the chain after the body, the forward, and the streamed
 * response — then the record step, exactly once, whichever way the exchange ended.
 * Every rejection is written here, in the single JSON error shape, with the security headers.
 */
final class ExchangeFlow {
    private static final Logger log = LoggerFactory.getLogger(ExchangeFlow.class);
    static final long LINGER_MILLIS = 2_000;
    static final long LINGER_BYTES = 8L * 1024 * 1024;

    private final GatewayContext ctx;
    private final RouteTable routes;
    private final ConnectionDeadlines deadlines;
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final String origin;

    private Exchange ex;
    private boolean secure;
    private Route route;
    private boolean hasBody;
    private boolean bodyRead;
    private boolean responded;
    private boolean finished;
    private boolean filtersEnded;
    private boolean cut; // a response filter ended the body itself
    private long bodyTimer = -1;
    private long idleTimer = -1;
    private long lastChunkNanos;
    private HttpClientRequest upstreamRequest;
    private UpstreamResponse upstreamResponse;

    ExchangeFlow(GatewayContext ctx, RouteTable routes, ConnectionDeadlines deadlines, HttpServerRequest req) {
        this.ctx = ctx;
        this.routes = routes;
        this.deadlines = deadlines;
        this.req = req;
        this.resp = req.response();
        this.origin = req.getHeader("Origin");
    }

    void start() {
        long start = System.nanoTime();
        String clientIp = ctx.clientIps().resolve(peer(), req.headers().getAll("X-Forwarded-For"));
        // Address rules come before any other work: a refused address gets no path decoding, no routing.
        AddressFilter.Refusal refused = ctx.addressFilter() == null ? null : ctx.addressFilter().check(clientIp);
        String path = refused == null ? PathNormalizer.decode(req.path()) : null;
        ex = Exchange.builder()
                .requestId(RequestIds.acceptOrGenerate(req.getHeader("X-Request-Id")))
                .clientIp(clientIp)
                .method(req.method())
                .path(path != null ? path : refused == null ? "(invalid)" : "(not read)")
                .rawQuery(req.query())
                .host(host())
                .headers(req.headers())
                .startNanos(start)
                .build();
        // TLS here, or terminated by a trusted proxy that says so: decides HSTS and X-Forwarded-Proto.
        secure = ctx.tls() || (ctx.clientIps().trusts(peer()) && "https".equalsIgnoreCase(req.getHeader("X-Forwarded-Proto")));
        // On a client disconnect Vert.x calls the exception handler first, then the end handler: the
        // exception handler is where the upstream gets stopped.
        resp.exceptionHandler(t -> clientClosed());
        resp.closeHandler(v -> clientClosed());
        resp.endHandler(v -> finish());

        if (refused != null) {
            deny(403, refused.code(), refused.message(), Map.of(), true);
            return;
        }
        String framing = framingViolation();
        if (framing != null) {
            // Parsers that disagree on where a request ends are how requests are smuggled: refuse, and close
            // the connection so nothing the client sent after this is read as another request.
            deny(400, framing.startsWith("Host") ? "host_invalid" : "framing_invalid", framing, Map.of(), true);
            return;
        }
        if (HeaderSpellings.ambiguous(req.headers()) != null) {
            deny(400, "header_ambiguous", "The request carries a header under two spellings (such as X-Api-Key and X_Api_Key).", Map.of(), true);
            return;
        }
        if (path == null) {
            deny(400, "path_invalid", "The request path is malformed or ambiguous (dot segments, empty segments, encoded slashes or control characters).");
            return;
        }
        if (req.method() == HttpMethod.OPTIONS && origin != null && req.getHeader("Access-Control-Request-Method") != null
                && preflight(path)) {
            return;
        }
        switch (routes.match(req.method().name(), ex.host(), path)) {
            case RouteTable.NotFound n -> deny(404, "route_not_found", "No route matches this request.");
            case RouteTable.MethodNotAllowed m -> deny(405, "method_not_allowed", "This path does not accept this method.",
                    Map.of("Allow", String.join(", ", m.allowed())));
            case RouteTable.Found f -> {
                route = f.route();
                ex.routeId(route.id());
                edgeChecks();
            }
        }
    }

    /**
     * Framing that two HTTP parsers could read differently (RFC 9112 §3.2, §6.1): an HTTP/1.1 request must
     * carry exactly one Host; a Transfer-Encoding must be exactly {@code chunked}, once. Null when sound.
     */
    private String framingViolation() {
        if (req.version() == io.vertx.core.http.HttpVersion.HTTP_1_1 && req.headers().getAll("Host").size() != 1) {
            return "Host: an HTTP/1.1 request must carry exactly one Host header.";
        }
        List<String> codings = req.headers().getAll("Transfer-Encoding");
        if (codings.size() > 1 || (codings.size() == 1 && !"chunked".equalsIgnoreCase(codings.getFirst().trim()))) {
            return "The request's Transfer-Encoding is not exactly 'chunked'.";
        }
        return null;
    }

    /** Framing, size and type checks that need the route but not the body. */
    private void edgeChecks() {
        List<String> lengths = req.headers().getAll("Content-Length");
        String transferEncoding = req.getHeader("Transfer-Encoding");
        long declared = -1;
        if (lengths.size() > 1 || (lengths.size() == 1 && transferEncoding != null)) {
            // Conflicting framing is how requests are smuggled past one parser to another.
            deny(400, "framing_invalid", "The request has conflicting or duplicate length headers.");
            return;
        }
        if (lengths.size() == 1) {
            declared = parseLength(lengths.get(0));
            if (declared < 0) {
                deny(400, "framing_invalid", "The Content-Length header is not a valid length.");
                return;
            }
        }
        hasBody = declared > 0 || transferEncoding != null;
        // The HTTP decoder drops a Content-Length that came with Transfer-Encoding before Bastion sees the
        // request, so a chunked request may have been framed two ways (CL.TE smuggling). RFC 9112 §6.1: the
        // server MUST close the connection after answering it — nothing after this request is read as another.
        if (transferEncoding != null) {
            resp.putHeader("Connection", "close");
            closeAfterAnswer = true;
        }
        if (declared > route.maxBodyBytes()) {
            deny(413, "body_too_large", "The request body exceeds " + route.maxBodyBytes() + " bytes.");
            return;
        }
        if (hasBody && !route.contentTypes().isEmpty() && !acceptedType(req.getHeader("Content-Type"))) {
            deny(415, "content_type_unsupported", "This route accepts " + String.join(", ", route.contentTypes()) + ".");
            return;
        }
        String expect = req.getHeader("Expect");
        if (expect != null && !"100-continue".equalsIgnoreCase(expect.trim())) {
            deny(417, "expectation_failed", "Only Expect: 100-continue is supported.");
            return;
        }
        runChain(route.beforeBody(), this::readBody);
    }

    private void runChain(Chain chain, Runnable next) {
        if (chain.isEmpty()) {
            next.run();
            return;
        }
        chain.run(ex).onComplete(ar -> {
            if (responded) return;
            if (ar.failed()) {
                deny(503, "control_fault", "A security control could not decide; the request was refused.");
            } else if (ar.result() instanceof Verdict.Deny d) {
                deny(d.status(), d.reason(), d.message(), d.headers());
            } else if (ar.result() instanceof Verdict.Respond r) {
                respondDirectly(r);
            } else {
                next.run();
            }
        });
    }

    /** Reads the whole body into memory, bounded by the route's size cap and the edge body timeout. */
    private void readBody() {
        req.exceptionHandler(t -> {
            cancelBodyTimer();
            if (!responded) clientClosed();
        });
        if (!hasBody) {
            // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body; only its end is queued.
            req.endHandler(v -> {
                bodyRead = true;
                if (!responded) runChain(route.afterBody(), this::terminal);
            });
            req.resume();
            return;
        }
        if (req.getHeader("Expect") != null) resp.writeContinue(); // only now that the caller passed the chain
        long max = route.maxBodyBytes();
        Buffer body = Buffer.buffer();
        bodyTimer = ctx.vertx().setTimer(ctx.edge().bodyTimeout().toMillis(), id -> {
            bodyTimer = -1;
            deny(408, "body_timeout", "The request body was not received in time.", Map.of(), true);
        });
        req.handler(chunk -> {
            if (responded) return;
            if ((long) body.length() + chunk.length() > max) {
                deny(413, "body_too_large", "The request body exceeds " + max + " bytes.", Map.of(), true);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            cancelBodyTimer();
            bodyRead = true;
            if (responded) return;
            if (body.length() > 0) ex.body(body);
            runChain(route.afterBody(), this::terminal);
        });
        req.resume();
    }

    /** A control answered the request itself (e.g. a replayed idempotent response). */
    private void respondDirectly(Verdict.Respond r) {
        responded = true;
        cancelBodyTimer();
        ex.status(r.status());
        MultiMap h = resp.headers();
        for (Map.Entry<String, String> e : r.headers()) h.add(e.getKey(), e.getValue());
        commonHeaders(h);
        boolean close = hasBodyPending();
        if (close) h.set("Connection", "close");
        io.vertx.core.buffer.Buffer body = r.body() == null ? io.vertx.core.buffer.Buffer.buffer() : r.body();
        ex.addBytesSent(body.length());
        resp.setStatusCode(r.status()).end(body).onComplete(v -> {
            if (close) lingerThenClose();
        });
        if (!close && !bodyRead) req.resume();
    }

    /** After the chain: Bastion's own endpoint, or the upstream. */
    private void terminal() {
        if (route.local() == null) {
            forward();
            return;
        }
        route.local().handle(ex).onComplete(ar -> {
            if (responded) return;
            if (ar.failed()) {
                // A store outage or unreachable IdP keys: temporary, and never a pass.
                log.error("request {} route {}: local endpoint failed: {}", ex.requestId(), route.id(), ar.cause().toString());
                deny(503, "service_unavailable", "Bastion could not complete the request; retry later.");
                return;
            }
            LocalEndpoint.Response r = ar.result();
            responded = true;
            ex.status(r.status());
            MultiMap h = resp.headers();
            r.headers().forEach(h::set);
            commonHeaders(h);
            ex.addBytesSent(r.body().length());
            resp.setStatusCode(r.status()).end(r.body());
        });
    }

    private void forward() {
        route.upstream().send(ex, route.forwardPath(req.path()), secure, route.config().forwardUserToken(), r -> upstreamRequest = r).onComplete(ar -> {
            if (ar.succeeded()) {
                if (responded) {
                    ar.result().abort(); // the client left while the upstream was thinking
                    return;
                }
                stream(ar.result());
            } else if (!responded) {
                Throwable t = ar.cause();
                if (t instanceof UpstreamFailure f) {
                    log.warn("request {} route {}: {} ({})", ex.requestId(), route.id(), f.reason(), f.getMessage());
                    deny(f.status(), f.reason(), f.status() == 504 ? "The upstream did not answer in time." : "The upstream could not be reached.");
                } else {
                    log.error("request {} route {}: forward failed: {}", ex.requestId(), route.id(), t.toString());
                    deny(502, "upstream_error", "The upstream could not be reached.");
                }
            }
        });
    }

    /** Streams the upstream response to the client chunk by chunk, with backpressure both ways. */
    private void stream(UpstreamResponse up) {
        responded = true;
        upstreamResponse = up;
        ex.status(up.status());
        resp.setStatusCode(up.status());
        MultiMap h = resp.headers();
        h.addAll(up.headers());
        commonHeaders(h);
        boolean bodyless = req.method() == HttpMethod.HEAD || up.status() == 204 || up.status() == 304 || up.status() < 200;
        List<ResponseFilter> filters = ex.responseFilters();
        for (ResponseFilter f : filters) f.onHeaders(up.status(), h);
        if (!bodyless && !h.contains("Content-Length")) resp.setChunked(true);
        HttpClientResponse body = up.body();
        lastChunkNanos = System.nanoTime();
        idleTimer = ctx.vertx().setTimer(up.idleTimeoutMillis(), t -> checkStreamIdle(up));
        body.handler(upstreamChunk -> {
            if (finished || cut) return;
            lastChunkNanos = System.nanoTime();
            Buffer chunk = upstreamChunk;
            try {
                for (ResponseFilter f : filters) chunk = f.onChunk(chunk);
            } catch (RuntimeException e) {
                filterFailed(up, e);
                return;
            }
            if (chunk.length() > 0) {
                ex.addBytesSent(chunk.length());
                resp.write(chunk);
            }
            for (int i = 0; i < filters.size(); i++) {
                if (filters.get(i).cut()) {
                    endCut(up, filters, i);
                    return;
                }
            }
            if (resp.writeQueueFull()) {
                body.pause();
                resp.drainHandler(v -> body.resume());
            }
        });
        body.exceptionHandler(t -> {
            if (!cut) streamFailed(up, t);
        });
        body.endHandler(v -> {
            cancelIdleTimer();
            if (cut) return;
            try {
                endFilters(filters, 0);
            } catch (RuntimeException e) {
                filterFailed(up, e);
            }
        });
        body.resume();
    }

    /**
     * Ends the filters from {@code from} outward and then the response. A filter that refuses the body
     * at its end while nothing was sent gets its error answered instead.
     */
    private void endFilters(List<ResponseFilter> filters, int from) {
        for (int i = from; i < filters.size(); i++) {
            ResponseFilter f = filters.get(i);
            Buffer tail = f.onEnd();
            Verdict.Deny refusal = f.refusal();
            if (refusal != null) {
                abortFilters(filters, i + 1, filters.size());
                refuseResponse(refusal);
                return;
            }
            for (int j = i + 1; tail != null && j < filters.size(); j++) tail = filters.get(j).onChunk(tail);
            if (tail != null && tail.length() > 0) {
                ex.addBytesSent(tail.length());
                resp.write(tail);
            }
        }
        filtersEnded = true;
        resp.end();
    }

    /**
     * A filter ended the body itself (a guardrail stopped the answer): the upstream is stopped — it would
     * otherwise keep generating, and billing, for nobody — and the response ends cleanly: the inner
     * filters saw an incomplete body, the outer ones a complete one (what the client got).
     */
    private void endCut(UpstreamResponse up, List<ResponseFilter> filters, int by) {
        cut = true;
        cancelIdleTimer();
        up.abort();
        abortFilters(filters, 0, by);
        Verdict.Deny refusal = filters.get(by).refusal();
        if (refusal != null) {
            abortFilters(filters, by + 1, filters.size());
            refuseResponse(refusal);
            return;
        }
        endFilters(filters, by + 1);
    }

    /**
     * A response filter failed (a bug): the response must not go on uninspected or look complete, so the
     * upstream is stopped and the connection cut, as for a failed upstream stream.
     */
    private void filterFailed(UpstreamResponse up, RuntimeException e) {
        log.error("request {} route {}: response filter failed: {}", ex.requestId(), route.id(), e.toString());
        cancelIdleTimer();
        if (finished) return;
        cut = true;
        abortFilters(ex.responseFilters(), 0, ex.responseFilters().size());
        filtersEnded = true;
        ex.errorCode("response_filter_fault");
        up.abort();
        req.connection().close();
        finish();
    }

    /** A filter refused the response: its error in place of it while nothing was sent, else a cut connection. */
    private void refuseResponse(Verdict.Deny refusal) {
        if (!resp.headWritten()) {
            replaceWithError(refusal);
            return;
        }
        filtersEnded = true;
        ex.errorCode(refusal.reason());
        req.connection().close();
        finish();
    }

    private void abortFilters(List<ResponseFilter> filters, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                filters.get(i).onAbort();
            } catch (RuntimeException e) {
                log.error("request {}: response filter abort failed: {}", ex.requestId(), e.toString());
            }
        }
    }

    /** Answers with an error in place of an upstream response none of which was sent. */
    private void replaceWithError(Verdict.Deny d) {
        filtersEnded = true;
        ex.status(d.status());
        ex.errorCode(d.reason());
        MultiMap h = resp.headers();
        h.clear();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("Cache-Control", "no-store");
        commonHeaders(h);
        d.headers().forEach(h::set);
        resp.setStatusCode(d.status());
        String body = ErrorBody.json(d.reason(), d.message(), ex.requestId());
        ex.addBytesSent(body.length());
        resp.end(body);
    }

    /** The upstream (or a client not reading) paused longer than the upstream's idle_timeout: cut the stream. */
    private void checkStreamIdle(UpstreamResponse up) {
        idleTimer = -1;
        if (finished) return;
        long limit = up.idleTimeoutMillis() * 1_000_000;
        long idle = System.nanoTime() - lastChunkNanos;
        if (idle >= limit) {
            streamFailed(up, new java.util.concurrent.TimeoutException("no data for " + up.idleTimeoutMillis() + "ms"));
        } else {
            idleTimer = ctx.vertx().setTimer(Math.max(1, (limit - idle) / 1_000_000), t -> checkStreamIdle(up));
        }
    }

    /**
     * Headers are gone already: the only honest signal left is to cut the connection, so the client sees
     * a truncated response rather than a complete-looking one.
     */
    private void streamFailed(UpstreamResponse up, Throwable t) {
        cancelIdleTimer();
        if (finished) return;
        ex.errorCode(t instanceof java.util.concurrent.TimeoutException ? "upstream_stream_timeout" : "upstream_stream_error");
        log.warn("request {} route {}: upstream stream failed after {} bytes: {}", ex.requestId(), route.id(), ex.bytesSent(), t.getClass().getSimpleName());
        up.abort();
        req.connection().close();
        finish();
    }

    private void cancelIdleTimer() {
        if (idleTimer != -1) {
            ctx.vertx().cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    /** Answers a CORS preflight when a route for this path approves it; false lets normal routing answer. */
    private boolean preflight(String path) {
        List<Route> candidates = routes.candidates(ex.host(), path);
        boolean anyCors = false;
        String method = req.getHeader("Access-Control-Request-Method");
        for (Route r : candidates) {
            if (r.cors() == null) continue;
            anyCors = true;
            if (r.methods().contains(method.trim().toUpperCase(Locale.ROOT))
                    && r.cors().allowsPreflight(origin, method, req.getHeader("Access-Control-Request-Headers"))) {
                route = r;
                ex.routeId(r.id());
                responded = true;
                ex.status(204);
                MultiMap h = resp.headers();
                SecurityHeaders.apply(h, secure);
                h.set("X-Request-Id", ex.requestId());
                r.cors().applyPreflight(origin, h);
                resp.setStatusCode(204);
                endWithoutBody();
                return true;
            }
        }
        if (!anyCors) return false;
        deny(403, "cors_preflight_denied", "This origin, method or header is not allowed for this route.");
        return true;
    }

    private void deny(int status, String code, String message) {
        deny(status, code, message, Map.of(), false);
    }

    private void deny(int status, String code, String message, Map<String, String> headers) {
        deny(status, code, message, headers, false);
    }

    /** Writes the JSON error. Closes the connection when an unread body would otherwise block it. */
    private void deny(int status, String code, String message, Map<String, String> headers, boolean forceClose) {
        if (responded) return;
        responded = true;
        cancelBodyTimer();
        ex.status(status);
        ex.errorCode(code);
        boolean close = forceClose || (hasBodyPending());
        MultiMap h = resp.headers();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("Cache-Control", "no-store");
        commonHeaders(h);
        headers.forEach(h::set);
        if (close) h.set("Connection", "close");
        resp.setStatusCode(status);
        String body = ErrorBody.json(code, message, ex.requestId());
        ex.addBytesSent(body.length()); // ASCII: the message texts and codes are ours
        boolean unreadBody = close && hasBodyPending();
        resp.end(body).onComplete(v -> {
            if (unreadBody) lingerThenClose();
            else if (close) req.connection().close();
        });
        if (!close && !bodyRead) req.resume(); // let a body-less request's end be consumed
    }

    /**
     * Reads and discards what the client is still sending for a little while before closing. Closing a
     * socket with unread input makes the kernel send a reset, which can destroy the error response
     * before the client reads it; a client would then see "connection reset" instead of 413.
     */
    private void lingerThenClose() {
        long[] discarded = {0};
        long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> req.connection().close());
        Runnable close = () -> {
            ctx.vertx().cancelTimer(timer);
            req.connection().close();
        };
        req.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > LINGER_BYTES) close.run();
        });
        req.endHandler(v -> close.run());
        req.exceptionHandler(t -> close.run());
        req.resume();
    }

    private boolean hasBodyPending() {
        if (bodyRead) return false;
        if (route == null && !hasBody) {
            // Rejected before framing was checked: look at the headers directly.
            String cl = req.getHeader("Content-Length");
            return req.getHeader("Transfer-Encoding") != null || (cl != null && !"0".equals(cl.trim()));
        }
        return hasBody;
    }

    private void endWithoutBody() {
        if (!bodyRead) req.resume();
        resp.end();
    }

    private void commonHeaders(MultiMap h) {
        SecurityHeaders.apply(h, secure);
        h.set("X-Request-Id", ex.requestId());
        if (route != null && route.cors() != null && origin != null) route.cors().applyActual(origin, h);
        if (ex.hasResponseHeaders()) h.addAll(ex.responseHeaders());
    }

    private void clientClosed() {
        if (finished || resp.ended()) return;
        if (!responded || upstreamResponse != null) {
            ex.errorCode(ex.errorCode() == null ? "client_closed" : ex.errorCode());
            if (!responded) ex.status(499);
        }
        responded = true;
        cancelBodyTimer();
        cancelIdleTimer();
        // Stop the upstream: it would otherwise keep generating (and billing) for nobody.
        if (upstreamResponse != null) upstreamResponse.abort();
        else if (upstreamRequest != null) upstreamRequest.connection().close();
        finish();
    }

    /** Set for a request whose framing might have been read two ways: its connection ends with its answer. */
    private boolean closeAfterAnswer;

    private void finish() {
        if (finished) return;
        finished = true;
        if (closeAfterAnswer) req.connection().close(); // after the answer's last byte: no request after it is read
        if (!filtersEnded) {
            for (ResponseFilter f : ex.responseFilters()) {
                try {
                    f.onAbort();
                } catch (RuntimeException e) {
                    log.error("request {}: response filter abort failed: {}", ex.requestId(), e.toString());
                }
            }
        }
        for (Runnable r : ex.finishers()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // A finisher releases something (a slot, a reservation): one failing must not stop the others.
                log.error("request {}: finisher failed: {}", ex.requestId(), e.toString());
            }
        }
        long end = System.nanoTime();
        ctx.accessLog().record(ex, end);
        ctx.metrics().request(ex.routeId(), ex.status(), ex.errorCode(), end - ex.startNanos(), ex.upstreamNanos());
        deadlines.requestFinished(req.connection());
    }

    private void cancelBodyTimer() {
        if (bodyTimer != -1) {
            ctx.vertx().cancelTimer(bodyTimer);
            bodyTimer = -1;
        }
    }

    private boolean acceptedType(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        for (String allowed : route.contentTypes()) {
            if (allowed.equals(type)) return true;
            if (allowed.endsWith("/*") && type.startsWith(allowed.substring(0, allowed.length() - 1))) return true;
        }
        return false;
    }

    private String peer() {
        SocketAddress a = req.remoteAddress();
        return a == null ? "0.0.0.0" : a.hostAddress();
    }

    private String host() {
        HostAndPort authority = req.authority();
        return authority == null ? null : authority.host().toLowerCase(Locale.ROOT);
    }

    /** A Content-Length value: digits only, at most 18 of them; -1 when invalid. */
    static long parseLength(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 18) return -1;
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return -1;
        return Long.parseLong(v);
    }
}
