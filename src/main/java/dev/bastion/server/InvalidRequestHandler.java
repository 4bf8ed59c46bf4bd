package dev.bastion.server;

import dev.bastion.chain.Exchange;
import dev.bastion.edge.RequestIds;
import dev.bastion.edge.SecurityHeaders;
import dev.bastion.chain.ErrorBody;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder could not accept: request line too long (414), headers too large (431),
 * anything else malformed (400). Answered in the same JSON shape with the security headers, then the
 * connection is closed — after a decoding error the byte stream can no longer be trusted.
 */
final class InvalidRequestHandler implements Handler<HttpServerRequest> {
    private static final HttpMethod INVALID_METHOD = HttpMethod.valueOf("INVALID");
    private final GatewayContext ctx;

    InvalidRequestHandler(GatewayContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        int status;
        String code;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            code = "uri_too_long";
            message = "The request line is too long.";
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            status = 431;
            code = "headers_too_large";
            message = "The request headers are too large.";
        } else {
            status = 400;
            code = "request_malformed";
            message = "The request could not be parsed.";
        }
        String requestId = RequestIds.generate();
        var h = req.response().headers();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("Cache-Control", "no-store");
        h.set("X-Request-Id", requestId);
        h.set("Connection", "close");
        SecurityHeaders.apply(h, ctx.tls());
        req.response().setStatusCode(status).end(ErrorBody.json(code, message, requestId)).onComplete(v -> req.connection().close());
        long now = System.nanoTime();
        Exchange ex = Exchange.builder().requestId(requestId)
                .clientIp(req.remoteAddress() == null ? "0.0.0.0" : req.remoteAddress().hostAddress())
                .method(req.method() == null ? INVALID_METHOD : req.method()).path("(invalid)").startNanos(now).build();
        ex.status(status);
        ex.errorCode(code);
        ctx.accessLog().record(ex, now);
        ctx.metrics().request(null, status, code, 0, -1);
    }
}
