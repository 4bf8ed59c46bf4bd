package dev.bastion.config;

import dev.bastion.net.Cidr;
import java.util.List;

/**
 * @param host           address to bind; default {@code 127.0.0.1}
 * @param port           port to bind; default 8080; 0 picks a free port
 * @param tls            certificate and key (PEM); when set, only TLS 1.2+ with AEAD suites is served and HSTS is sent
 * @param trustedProxies CIDR ranges whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed;
 *                       empty (default) means the TCP peer is the client, whatever headers it sends
 * @param drainTimeout   on {@code SIGTERM}, how long requests and streams in flight may take to finish after the
 *                       listener stopped accepting; what is still open then is cut; default 30s
 */
public record PublicListenerConfig(String host, Integer port, TlsConfig tls, List<String> trustedProxies, java.time.Duration drainTimeout) {
    public PublicListenerConfig {
        drainTimeout = drainTimeout == null ? java.time.Duration.ofSeconds(30) : drainTimeout;
        if (drainTimeout.isNegative()) throw new IllegalArgumentException("drain_timeout: " + drainTimeout + " (expected: >= 0)");
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 8080 : port;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        for (String cidr : trustedProxies) Cidr.parse(cidr); // fail at load, not on the first request
    }

    public List<Cidr> trustedProxyRanges() {
        return trustedProxies.stream().map(Cidr::parse).toList();
    }
}
