package dev.bastion.chain;

import io.vertx.core.Future;
import java.util.Map;

/** What a control decided. */
public sealed interface Verdict permits Verdict.Allow, Verdict.Deny, Verdict.Respond {
    Allow ALLOW = new Allow();
    Future<Verdict> ALLOWED = Future.succeededFuture(ALLOW);

    record Allow() implements Verdict {}

    /**
     * @param status  HTTP status to answer with
     * @param reason  stable {@code snake_case} code; becomes {@code error.code}, the log field and a metric tag
     * @param message safe, short text for the client; never contains request content or secrets
     * @param headers extra response headers (e.g. {@code Retry-After}, {@code WWW-Authenticate})
     */
    record Deny(int status, String reason, String message, Map<String, String> headers) implements Verdict {
        public Deny {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Deny(int status, String reason, String message) {
            this(status, reason, message, Map.of());
        }

        public Future<Verdict> future() {
            return Future.succeededFuture(this);
        }
    }

    /**
     * The control answers the request itself, successfully, without calling the upstream (a replayed
     * idempotent response, say). Ends the chain like a Deny, but is not an error.
     */
    record Respond(int status, java.util.List<Map.Entry<String, String>> headers, io.vertx.core.buffer.Buffer body) implements Verdict {
        public Respond {
            headers = headers == null ? java.util.List.of() : java.util.List.copyOf(headers);
        }

        public Future<Verdict> future() {
            return Future.succeededFuture(this);
        }
    }
}
