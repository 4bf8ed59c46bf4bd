package dev.bastion.server;

import dev.bastion.chain.ErrorBody;
import dev.bastion.chain.ErrorFormat;
import dev.bastion.chain.Exchange;
import dev.bastion.chain.Verdict;
import dev.bastion.edge.CorsPolicy;
import dev.bastion.edge.SecurityHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * Every response Bastion writes itself goes through here — refusals in the one JSON error shape
 * ({@code {"error":{"code","message","request_id"}}}, or the route's front door's shape), answers of its own endpoints and replayed
 * responses — and every response, the upstream's included, gets its headers here: the security headers
 * (which override an upstream's), {@code X-Request-Id}, CORS for allowed origins, and what controls added
 * (rate-limit state). Public listener and admin listener alike.
 */
final class Responses {
    private Responses() {}

    /** The headers every response carries. {@code cors} is the route's policy, or null. */
    static void common(MultiMap h, Exchange ex, CorsPolicy cors) {
        SecurityHeaders.apply(h, ex.secure());
        h.set("X-Request-Id", ex.requestId());
        String origin = ex.headers().get("Origin");
        if (cors != null && origin != null) cors.applyActual(origin, h);
        if (ex.hasResponseHeaders()) h.addAll(ex.responseHeaders());
    }

    /** Answers with the refusal, replacing any headers set so far. */
    static void error(ClientChannel client, Exchange ex, Verdict.Deny d, CorsPolicy cors) {
        ex.status(d.status());
        ex.errorCode(d.reason());
        MultiMap h = client.responseHeaders();
        h.clear();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("Cache-Control", "no-store");
        common(h, ex, cors);
        d.headers().forEach(h::set);
        ErrorFormat format = ex.errorFormat();
        Buffer body = Buffer.buffer(format == null ? ErrorBody.json(d.reason(), d.message(), ex.requestId(), d.violations())
                : format.body(d.status(), d.reason(), d.message(), ex.requestId()));
        ex.addBytesSent(body.length());
        client.respond(d.status(), body, d.close());
    }

    /** Answers with a whole response Bastion made (its own endpoint, a replay). */
    static void whole(ClientChannel client, Exchange ex, int status, List<Map.Entry<String, String>> headers, Buffer body, CorsPolicy cors) {
        ex.status(status);
        MultiMap h = client.responseHeaders();
        for (Map.Entry<String, String> e : headers) h.add(e.getKey(), e.getValue());
        common(h, ex, cors);
        Buffer b = body == null ? Buffer.buffer() : body;
        ex.addBytesSent(b.length());
        client.respond(status, b, false);
    }
}
