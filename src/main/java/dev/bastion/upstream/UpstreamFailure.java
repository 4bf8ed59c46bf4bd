package dev.bastion.upstream;

/**
 * The upstream did not produce a response. {@code status} is 502 (could not connect, protocol error)
 * or 504 (it did not answer in time); {@code reason} is the stable error code. The cause stays in
 * the log; the client gets only the code.
 */
public final class UpstreamFailure extends RuntimeException {
    private final int status;
    private final String reason;

    UpstreamFailure(int status, String reason, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    static UpstreamFailure classify(String upstream, Throwable t) {
        String detail = "upstream " + upstream + ": " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        if (t instanceof io.netty.channel.ConnectTimeoutException) return new UpstreamFailure(504, "upstream_timeout", detail, t);
        if (t instanceof java.util.concurrent.TimeoutException) return new UpstreamFailure(504, "upstream_timeout", detail, t);
        if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                || t instanceof java.nio.channels.ClosedChannelException) {
            return new UpstreamFailure(502, "upstream_unavailable", detail, t);
        }
        return new UpstreamFailure(502, "upstream_error", detail, t);
    }
}
