package dev.bastion.upstream;

import java.util.Objects;

/**
 * The upstream produced no response. The kind decides the client's status and error code; {@code detail}
 * (the cause's class and message) is for the log only — never sent to the client.
 */
public record UpstreamFailure(Kind kind, String upstream, String detail) implements UpstreamResult {
    public enum Kind {
        /** The connection was refused, reset or the host did not resolve. */
        UNREACHABLE(502, "upstream_unavailable", "The upstream could not be reached."),
        /** No connection, or no response headers, within the configured time. */
        TIMEOUT(504, "upstream_timeout", "The upstream did not answer in time."),
        /** Anything else: a protocol error, a closed connection mid-request. */
        ERROR(502, "upstream_error", "The upstream could not be reached.");

        public final int status;
        public final String reason;
        public final String message;

        Kind(int status, String reason, String message) {
            this.status = status;
            this.reason = reason;
            this.message = message;
        }
    }

    public UpstreamFailure {
        Objects.requireNonNull(kind, "kind");
    }

    /** Classifies a transport failure; the cause's text stays in {@code detail}. */
    public static UpstreamFailure of(String upstream, Throwable t) {
        String detail = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        Kind kind;
        if (t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.util.concurrent.TimeoutException) kind = Kind.TIMEOUT;
        else if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                || t instanceof java.nio.channels.ClosedChannelException) kind = Kind.UNREACHABLE;
        else kind = Kind.ERROR;
        return new UpstreamFailure(kind, upstream, detail);
    }
}
