package dev.bastion.egress;

import java.time.Duration;
import java.util.Objects;

/**
 * How connections for one kind of outbound call behave. Calls with equal profiles share connection
 * pools (one pool per profile and event loop).
 *
 * @param name             for logs and pool names, e.g. {@code upstream:openai}, {@code jwks}, {@code classifier}
 * @param connectTimeout   the longest wait for a TCP (and TLS) connection
 * @param maxConnections   pooled HTTP/1.1 connections per event loop
 * @param keepAliveTimeout how long an idle pooled connection is kept; null for Vert.x's default. Shorter than
 *                         the peer's own idle timeout, so a connection is not reused in the instant the peer closes it
 * @param maxHeaderBytes   the largest response header block accepted
 * @param decompress       whether compressed responses are inflated (only for documents Bastion reads itself;
 *                         a proxied body is passed on as it came)
 * @param caFile           a PEM file of CAs trusted for this profile's TLS connections instead of the JDK's
 *                         (a Vault server with a private CA); null for the JDK's trust store
 * @param tls              the client certificate presented and the trust applied (an upstream's mTLS and pins, E7);
 *                         overrides {@code caFile}; null for none
 */
public record ClientProfile(String name, Duration connectTimeout, int maxConnections, Duration keepAliveTimeout, int maxHeaderBytes,
                            boolean decompress, java.nio.file.Path caFile, Tls tls) {
    /**
     * Key and trust managers for a profile's TLS connections; equal only to itself, so each holder has its own pools.
     *
     * @param keys  the client certificate, or null to present none
     * @param trust whom the server's certificate must chain to (and pins), or null for the JDK's trust store
     * @param engine the TLS engine (one that can forget its sessions when {@code keys} rotate), or null for Vert.x's default
     */
    public record Tls(javax.net.ssl.X509KeyManager keys, javax.net.ssl.X509ExtendedTrustManager trust, io.vertx.core.net.SSLEngineOptions engine) {}

    public ClientProfile(String name, Duration connectTimeout, int maxConnections, Duration keepAliveTimeout, int maxHeaderBytes, boolean decompress,
                         java.nio.file.Path caFile) {
        this(name, connectTimeout, maxConnections, keepAliveTimeout, maxHeaderBytes, decompress, caFile, null);
    }

    public ClientProfile(String name, Duration connectTimeout, int maxConnections, Duration keepAliveTimeout, int maxHeaderBytes, boolean decompress) {
        this(name, connectTimeout, maxConnections, keepAliveTimeout, maxHeaderBytes, decompress, null);
    }

    public ClientProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
        if (maxHeaderBytes < 1024) throw new IllegalArgumentException("maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
    }
}
