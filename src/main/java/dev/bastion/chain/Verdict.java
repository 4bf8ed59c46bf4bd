package dev.bastion.chain;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * What a control decided. Sealed: the runner handles each kind in an exhaustive switch, so a new kind
 * does not compile until the runner knows what it means — it can never pass as an allow by accident.
 */
public sealed interface Verdict permits Verdict.Allow, Verdict.Deny, Verdict.Respond {
    Allow ALLOW = new Allow();
    Future<Verdict> ALLOWED = Future.succeededFuture(ALLOW);

    /** Go on to the next step. */
    record Allow() implements Verdict {}

    /**
     * End the exchange with an error in the one JSON shape.
     *
     * @param status  HTTP status to answer with
     * @param reason  stable {@code snake_case} code; becomes {@code error.code}, the log field and a metric tag
     * @param message safe, short text for the client; never contains request content or secrets
     * @param headers extra response headers (e.g. {@code Retry-After}, {@code WWW-Authenticate})
     * @param close   close the connection after the answer: what the client sent can no longer be trusted
     *                to be framed as Bastion read it (smuggling), or the client is refused outright
     * @param violations where a request broke its route's contract ({@code error.violations}): pointers and keywords,
     *                never values; empty for every other refusal
     */
    record Deny(int status, String reason, String message, Map<String, String> headers, boolean close,
                List<Violation> violations) implements Verdict {
        public Deny {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            violations = violations == null ? List.of() : List.copyOf(violations);
        }

        /**
         * The router's answer when no route matches. Controls that must not disclose whether something exists (a
         * resource of another tenant, a path an API document leaves out) answer exactly this: indistinguishable.
         */
        public static final Deny NO_ROUTE = new Deny(404, "route_not_found", "No route matches this request.");

        public Deny(int status, String reason, String message, Map<String, String> headers, boolean close) {
            this(status, reason, message, headers, close, List.of());
        }

        public Deny(int status, String reason, String message, Map<String, String> headers) {
            this(status, reason, message, headers, false);
        }

        public Deny(int status, String reason, String message) {
            this(status, reason, message, Map.of(), false);
        }

        /** The same refusal, closing the connection after it. */
        public Deny closing() {
            return close ? this : new Deny(status, reason, message, headers, true, violations);
        }

        public Future<Verdict> future() {
            return Future.succeededFuture(this);
        }
    }

    /**
     * One place where a request broke its route's contract.
     *
     * @param pointer the JSON pointer (RFC 6901) of the offending value: into the body, or into the query seen as an
     *                object ({@code /limit}); {@code ""} for the whole
     * @param keyword the schema keyword it failed ({@code type}, {@code required}, …) or the limit ({@code max_depth})
     */
    record Violation(String pointer, String keyword) {}

    /**
     * The control answers the request itself, successfully, without calling the upstream (a replayed
     * idempotent response, say). Ends the chain like a Deny, but is not an error.
     */
    record Respond(int status, List<Map.Entry<String, String>> headers, Buffer body) implements Verdict {
        public Respond {
            headers = headers == null ? List.of() : List.copyOf(headers);
        }

        public Future<Verdict> future() {
            return Future.succeededFuture(this);
        }
    }
}
