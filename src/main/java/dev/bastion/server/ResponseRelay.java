package dev.bastion.server;

import dev.bastion.chain.Exchange;
import dev.bastion.chain.Faults;
import dev.bastion.chain.ResponseFilter;
import dev.bastion.chain.Verdict;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.upstream.UpstreamResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an upstream response to the client through the exchange's response filters, chunk by chunk,
 * with backpressure both ways. It owns the ways a response can end:
 * <ul>
 *   <li>normally — every filter ends in order (inner to outer), what they still hold is sent, the response ends;</li>
 *   <li>cut by a filter (a guardrail stopped a stream) — the upstream is stopped, the inner filters abort, the
 *       outer ones end normally (they saw what the client got), and the response ends cleanly;</li>
 *   <li>refused by a filter that held the whole body — its error replaces the response while nothing was sent,
 *       otherwise the connection is cut;</li>
 *   <li>the upstream failed, went quiet for longer than its idle timeout, or overran its total timeout, or a filter
 *       failed — headers are gone: an event stream ends with an error event in the front door's format (what the SDKs raise),
 *       never a clean end or a {@code [DONE]} alone; any other body has its connection cut. A truncated response
 *       must not look complete;</li>
 *   <li>the upstream's stream failed on its own terms (a provider error event, a stream without its end) — the
 *       translated error event has gone through, and the access line records the failure.</li>
 *   <li>the client left — the upstream is stopped at once, so a model stops generating (and billing) for nobody.</li>
 * </ul>
 * Every filter sees exactly one of {@code onEnd} or {@code onAbort}.
 */
final class ResponseRelay {
    private static final Logger log = LoggerFactory.getLogger(ResponseRelay.class);

    private final Vertx vertx;
    private final ClientChannel client;
    private final Exchange ex;
    private final CorsPolicy cors;
    private final List<ResponseFilter> filters;
    private final boolean[] closed;
    private UpstreamResponse up;
    private boolean over;
    private long idleTimer = -1;
    private long lastChunkNanos;
    private boolean eventStream;

    ResponseRelay(Vertx vertx, ClientChannel client, Exchange ex, CorsPolicy cors) {
        this.vertx = vertx;
        this.client = client;
        this.ex = ex;
        this.cors = cors;
        this.filters = ex.responseFilters();
        this.closed = new boolean[filters.size()];
    }

    void start(UpstreamResponse response) {
        up = response;
        int status = up.status();
        ex.status(status);
        MultiMap h = client.responseHeaders();
        h.addAll(up.headers());
        withoutCors(h);
        Responses.common(h, ex, cors);
        try {
            for (ResponseFilter f : filters) f.onHeaders(status, h);
        } catch (RuntimeException e) {
            over = true;
            up.abort();
            abortOpen();
            log.error("request {}: response filter failed on the headers: {}", ex.requestId(), Faults.describe(e));
            Responses.error(client, ex, new Verdict.Deny(502, "response_filter_fault", "The upstream's answer could not be checked; it was withheld."), cors);
            return;
        }
        String type = h.get("Content-Type");
        eventStream = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
        client.startStream(status, ex.method() == HttpMethod.HEAD || status == 204 || status == 304 || status < 200);
        lastChunkNanos = System.nanoTime();
        checkIdle(); // arms the idle timer (and the total deadline, whichever comes first)
        up.body().handler(this::chunk);
        up.body().exceptionHandler(this::streamFailed);
        up.body().endHandler(v -> upstreamEnded());
        up.body().resume();
    }

    /**
     * Cross-origin access is the route's to grant ({@code cors}), not the upstream's: an app that reflects any
     * Origin with credentials would otherwise open, through Bastion, what the route's policy keeps closed.
     */
    private static void withoutCors(MultiMap h) {
        List<String> names = null;
        for (String name : h.names()) {
            if (name.regionMatches(true, 0, "Access-Control-", 0, 15)) {
                if (names == null) names = new java.util.ArrayList<>(2);
                names.add(name);
            }
        }
        if (names != null) for (String name : names) h.remove(name);
    }

    private void chunk(Buffer upstreamChunk) {
        if (over) return;
        lastChunkNanos = System.nanoTime();
        Buffer chunk = upstreamChunk;
        try {
            for (ResponseFilter f : filters) chunk = f.onChunk(chunk);
        } catch (RuntimeException e) {
            filterFailed(e);
            return;
        }
        send(chunk);
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i).cut()) {
                endCut(i);
                return;
            }
        }
        if (client.writeQueueFull()) {
            up.body().pause();
            client.onDrain(() -> up.body().resume());
        }
    }

    private void upstreamEnded() {
        cancelIdle();
        if (over) return;
        String failure = up.body() instanceof dev.bastion.upstream.StreamStatus s ? s.failure() : null;
        if (failure != null && ex.errorCode() == null) ex.errorCode(failure);
        try {
            endFrom(0);
        } catch (RuntimeException e) {
            filterFailed(e);
        }
    }

    /**
     * Ends the open filters from {@code from} outward, then the response with what they still held, in one
     * write — unless one refuses the body at its end.
     */
    private void endFrom(int from) {
        Buffer last = null;
        for (int i = from; i < filters.size(); i++) {
            if (closed[i]) continue;
            ResponseFilter f = filters.get(i);
            closed[i] = true;
            Buffer tail = f.onEnd();
            Verdict.Deny refusal = f.refusal();
            if (refusal != null) {
                abortOpen();
                refuse(refusal);
                return;
            }
            for (int j = i + 1; tail != null && j < filters.size(); j++) tail = filters.get(j).onChunk(tail);
            if (tail != null && tail.length() > 0) last = last == null ? tail : last.copy().appendBuffer(tail);
        }
        over = true;
        if (last != null) ex.addBytesSent(last.length());
        client.endStream(last);
    }

    /** A filter ended the body itself: inner filters saw an incomplete body, outer ones a complete one. */
    private void endCut(int by) {
        over = true;
        cancelIdle();
        up.abort();
        for (int i = 0; i < by; i++) abort(i);
        closed[by] = true;
        Verdict.Deny refusal = filters.get(by).refusal();
        if (refusal != null) {
            abortOpen();
            refuse(refusal);
            return;
        }
        try {
            endFrom(by + 1);
        } catch (RuntimeException e) {
            filterFailed(e);
        }
    }

    /** A filter refused the response: its error in place of it while nothing was sent, else a cut connection. */
    private void refuse(Verdict.Deny refusal) {
        over = true;
        if (!client.headWritten()) {
            Responses.error(client, ex, refusal, cors);
            return;
        }
        ex.errorCode(refusal.reason());
        client.cut();
    }

    /** A filter threw (a bug): the response must not go on uninspected or look complete. */
    private void filterFailed(RuntimeException e) {
        log.error("request {}: response filter failed: {}", ex.requestId(), Faults.describe(e));
        stop("response_filter_fault");
    }

    private void streamFailed(Throwable t) {
        if (over) return;
        boolean timeout = t instanceof TimeoutException;
        if (t instanceof dev.bastion.upstream.UpstreamFailure.Overdue) {
            log.warn("request {} route {}: upstream answer overran its total timeout after {} bytes", ex.requestId(), ex.routeId(), ex.bytesSent());
            stop("upstream_total_timeout");
            return;
        }
        log.warn("request {} route {}: upstream stream failed after {} bytes: {}", ex.requestId(), ex.routeId(), ex.bytesSent(),
                timeout ? t.getMessage() : t.getClass().getSimpleName());
        stop(timeout ? "upstream_stream_timeout" : "upstream_stream_error");
    }

    /**
     * Headers are gone: an event stream ends with an error event (the client's SDK raises it; the stream never
     * ends clean), any other body with a cut connection — the only honest signal left.
     */
    private void stop(String errorCode) {
        cancelIdle();
        over = true;
        ex.errorCode(errorCode);
        up.abort();
        abortOpen();
        if (eventStream && client.headWritten()) {
            Buffer event = StreamErrors.event(errorCode, ex.errorFormat(), ex.requestId());
            ex.addBytesSent(event.length());
            client.endStream(event);
        } else {
            client.cut();
        }
    }

    /** The client left: stop the upstream, which would otherwise keep generating (and billing) for nobody. */
    void clientGone() {
        cancelIdle();
        if (over) return;
        over = true;
        up.abort();
    }

    /** Gives every filter not yet ended an abort (the exchange ended without a complete body). */
    void abortOpen() {
        for (int i = 0; i < filters.size(); i++) abort(i);
    }

    /** Aborts every filter of an exchange that never reached the relay (refused, or the upstream failed). */
    static void abortAll(Exchange ex) {
        for (ResponseFilter f : ex.responseFilters()) {
            try {
                f.onAbort();
            } catch (RuntimeException e) {
                log.error("request {}: response filter abort failed: {}", ex.requestId(), Faults.describe(e));
            }
        }
    }

    private void abort(int i) {
        if (closed[i]) return;
        closed[i] = true;
        try {
            filters.get(i).onAbort();
        } catch (RuntimeException e) {
            log.error("request {}: response filter abort failed: {}", ex.requestId(), Faults.describe(e));
        }
    }

    private void send(Buffer chunk) {
        if (chunk.length() == 0) return;
        ex.addBytesSent(chunk.length());
        client.write(chunk);
    }

    /** The upstream (or a client not reading) paused longer than the upstream's idle timeout: cut the stream. */
    private void checkIdle() {
        idleTimer = -1;
        if (over) return;
        long now = System.nanoTime();
        if (up.deadlineNanos() != 0 && now - up.deadlineNanos() >= 0) {
            streamFailed(new dev.bastion.upstream.UpstreamFailure.Overdue());
            return;
        }
        long limit = up.idleTimeoutMillis() * 1_000_000;
        long idle = now - lastChunkNanos;
        if (idle >= limit) {
            streamFailed(new TimeoutException("no data for " + up.idleTimeoutMillis() + "ms"));
            return;
        }
        long wait = limit - idle;
        if (up.deadlineNanos() != 0) wait = Math.min(wait, up.deadlineNanos() - now);
        idleTimer = vertx.setTimer(Math.max(1, wait / 1_000_000), t -> checkIdle());
    }

    private void cancelIdle() {
        if (idleTimer != -1) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }
}
