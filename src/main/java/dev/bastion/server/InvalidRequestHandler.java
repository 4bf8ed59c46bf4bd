package dev.bastion.server;

import dev.bastion.chain.Verdict;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder could not accept: request line too long (414), headers too large (431), an
 * HTTP version other than 1.0 or 1.1 (505), anything else malformed (400). Refused through the runner like
 * any other request — the JSON shape, the security headers, an access line — and the connection closed:
 * after a decoding error the byte stream can no longer be trusted.
 */
final class InvalidRequestHandler implements Handler<HttpServerRequest> {
    private final java.util.function.Supplier<Listener> listener;
    private final ConnectionDeadlines deadlines;

    InvalidRequestHandler(java.util.function.Supplier<Listener> listener, ConnectionDeadlines deadlines) {
        this.listener = listener;
        this.deadlines = deadlines;
    }

    @Override
    public void handle(HttpServerRequest req) {
        long start = System.nanoTime();
        Listener listener = this.listener.get();
        HttpAdapter adapter = new HttpAdapter(listener.vertx(), req, deadlines);
        new ChainRunner(listener, adapter, adapter.exchange(listener.clientIps(), listener.tls(), start, listener::traceTrusted)).reject("decoder", refusal(req.decoderResult().cause()));
    }

    static Verdict.Deny refusal(Throwable cause) {
        Verdict.Deny d;
        if (cause instanceof TooLongHttpLineException) d = new Verdict.Deny(414, "uri_too_long", "The request line is too long.");
        else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            d = new Verdict.Deny(431, "headers_too_large", "The request headers are too large.");
        } else if (cause instanceof NettyEdge.UnsupportedVersion) {
            d = new Verdict.Deny(505, "http_version_not_supported", "Bastion speaks HTTP/1.1 (and 1.0).");
        } else d = new Verdict.Deny(400, "request_malformed", "The request could not be parsed.");
        return d.closing();
    }
}
