package dev.bastion.server;

import dev.bastion.chain.ErrorBody;
import dev.bastion.edge.RequestIds;
import dev.bastion.edge.SecurityHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last line of defence for a bug in the request path: the client still gets the JSON error shape (500,
 * no internals) instead of a hanging connection, and the connection is closed because its state is
 * unknown. The exception goes to the log with the request id.
 */
final class InternalErrors {
    private static final Logger log = LoggerFactory.getLogger(InternalErrors.class);

    private InternalErrors() {}

    static void respond(HttpServerRequest req, boolean tls, RuntimeException e) {
        String requestId = RequestIds.generate();
        log.error("request {}: internal error: {}", requestId, e.toString(), e);
        var resp = req.response();
        if (resp.headWritten() || resp.ended() || resp.closed()) {
            req.connection().close();
            return;
        }
        var h = resp.headers();
        h.clear();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("Cache-Control", "no-store");
        h.set("X-Request-Id", requestId);
        h.set("Connection", "close");
        SecurityHeaders.apply(h, tls);
        resp.setStatusCode(500).end(ErrorBody.json("internal_error", "Bastion failed to process the request.", requestId))
                .onComplete(v -> req.connection().close());
    }
}
