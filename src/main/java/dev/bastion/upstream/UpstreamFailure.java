package dev.bastion.upstream;

import java.util.Objects;

/**
 * The upstream produced no response. The kind decides the client's status and error code, and whether the
 * request may be tried again ({@link Kind#beforeSend}); {@code detail} (the cause's class and message) is
 * for the log only — never sent to the client.
 */
public record UpstreamFailure(Kind kind, String upstream, String detail, dev.bastion.egress.AddressClass refusedClass) implements UpstreamResult {
    public enum Kind {
        /** The egress policy refused every way to the upstream's address; no connection was opened. */
        EGRESS_DENIED(502, "egress_denied", "The egress policy refuses the upstream's address", true),
        /** No connection: refused, reset while connecting, or the host did not resolve. Nothing was sent. */
        UNREACHABLE(502, "upstream_unavailable", "The upstream could not be reached.", true),
        /** No connection within {@code connect_timeout}. Nothing was sent. */
        CONNECT_TIMEOUT(504, "upstream_timeout", "The upstream did not answer in time.", true),
        /** Sent, but no response headers within {@code response_timeout}: the upstream may be working on it. */
        TIMEOUT(504, "upstream_timeout", "The upstream did not answer in time.", false),
        /** Headers came, but no first byte of the answer within {@code first_token_timeout}. */
        FIRST_TOKEN_TIMEOUT(504, "upstream_timeout", "The upstream did not start its answer in time.", false),
        /** Sent, then the connection was closed or reset before a response. */
        RESET(502, "upstream_error", "The upstream could not be reached.", false),
        /** The route's provider key is per org and the caller's org has none (K1, bring your own key). Nothing was sent. */
        PROVIDER_KEY_MISSING(424, "provider_key_missing", "No provider key is set up for your organisation at this upstream.", true),
        /** The per-org provider key could not be read: its secret store is unreachable, sealed or refuses Bastion. Nothing was sent. */
        PROVIDER_KEY_UNAVAILABLE(503, "provider_key_unavailable", "The provider key for this upstream could not be read; try again later.", true),
        /** The route's provider key is per org and the caller is not authenticated as a member of one. Nothing was sent. */
        ORG_REQUIRED(403, "org_required", "This upstream's provider key is per organisation: authenticate as a member of one.", true),
        /** Anything else: a protocol error, an answer that could not be read. */
        ERROR(502, "upstream_error", "The upstream could not be reached.", false);

        public final int status;
        public final String reason;
        public final String message;
        /** True when the request never left Bastion: trying again cannot make the provider do (or bill) it twice. */
        public final boolean beforeSend;

        /** A per-org key's problem: the caller's, not the deployment's (its circuit breaker is not charged). */
        public boolean keyProblem() {
            return this == PROVIDER_KEY_MISSING || this == PROVIDER_KEY_UNAVAILABLE || this == ORG_REQUIRED;
        }

        Kind(int status, String reason, String message, boolean beforeSend) {
            this.status = status;
            this.reason = reason;
            this.message = message;
            this.beforeSend = beforeSend;
        }
    }

    public UpstreamFailure {
        Objects.requireNonNull(kind, "kind");
    }

    public UpstreamFailure(Kind kind, String upstream, String detail) {
        this(kind, upstream, detail, null);
    }

    /** The client's message: the kind's, and for an egress refusal the class of address (never the address). */
    public String message() {
        if (kind.keyProblem()) return upstream == null ? kind.message : kind.message.replace("this upstream", "upstream '" + upstream + "'");
        return refusedClass == null ? kind.message : kind.message + " (" + refusedClass.label() + ").";
    }

    /** A failure while connecting: nothing was sent. */
    public static UpstreamFailure connecting(String upstream, Throwable t) {
        if (t instanceof dev.bastion.egress.EgressDenied denied) return new UpstreamFailure(Kind.EGRESS_DENIED, upstream, detail(t), denied.addressClass());
        boolean timeout = t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.util.concurrent.TimeoutException;
        return new UpstreamFailure(timeout ? Kind.CONNECT_TIMEOUT : Kind.UNREACHABLE, upstream, detail(t));
    }

    /** A failure after the request was (maybe partly) sent; the cause's text stays in {@code detail}. */
    public static UpstreamFailure of(String upstream, Throwable t) {
        if (t instanceof dev.bastion.egress.EgressDenied) return connecting(upstream, t);
        Kind kind;
        if (t instanceof io.netty.channel.ConnectTimeoutException) kind = Kind.CONNECT_TIMEOUT;
        else if (t instanceof java.util.concurrent.TimeoutException) kind = Kind.TIMEOUT;
        else if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException) kind = Kind.UNREACHABLE;
        else if (t instanceof java.nio.channels.ClosedChannelException || t instanceof java.net.SocketException
                || t instanceof io.vertx.core.http.HttpClosedException
                || (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().contains("reset"))) kind = Kind.RESET;
        else kind = Kind.ERROR;
        return new UpstreamFailure(kind, upstream, detail(t));
    }

    /** An answer still streaming when its upstream's {@code total_timeout} ran out. */
    public static final class Overdue extends java.util.concurrent.TimeoutException {
        public Overdue() {
            super("total timeout");
        }
    }

    private static String detail(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
