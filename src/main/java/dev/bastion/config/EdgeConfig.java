package dev.bastion.config;

import java.time.Duration;

/**
 * Limits that hold before a request is routed. They bound what one client can make Bastion hold in
 * memory and for how long.
 *
 * @param maxHeaderBytes  all request headers together; larger → 431; default 16KiB
 * @param maxUriBytes     the request line; longer → 414; default 8KiB
 * @param maxBodyBytes    request body; larger → 413 and the upstream never sees it; default 1MiB (routes may lower it)
 * @param headerTimeout   time for a client to send complete headers (slowloris); the connection is closed; default 10s
 * @param bodyTimeout     time for a client to send the whole body; → 408; default 30s
 * @param idleTimeout     an idle keep-alive connection is closed after this; default 60s
 */
public record EdgeConfig(ByteSize maxHeaderBytes, ByteSize maxUriBytes, ByteSize maxBodyBytes,
                         Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {
    public static final EdgeConfig DEFAULTS = new EdgeConfig(null, null, null, null, null, null);

    public EdgeConfig {
        maxHeaderBytes = maxHeaderBytes == null ? ByteSize.ofKiB(16) : maxHeaderBytes;
        maxUriBytes = maxUriBytes == null ? ByteSize.ofKiB(8) : maxUriBytes;
        maxBodyBytes = maxBodyBytes == null ? ByteSize.ofKiB(1024) : maxBodyBytes;
        headerTimeout = headerTimeout == null ? Duration.ofSeconds(10) : headerTimeout;
        bodyTimeout = bodyTimeout == null ? Duration.ofSeconds(30) : bodyTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        requirePositive("header_timeout", headerTimeout);
        requirePositive("body_timeout", bodyTimeout);
        requirePositive("idle_timeout", idleTimeout);
        if (maxBodyBytes.bytes() > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("max_body_bytes: " + maxBodyBytes.bytes() + " (expected: <= 256MiB; bodies are held in memory for inspection)");
        }
    }

    static void requirePositive(String name, Duration d) {
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
}
