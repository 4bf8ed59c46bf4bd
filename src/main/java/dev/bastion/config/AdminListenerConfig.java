package dev.bastion.config;

/**
 * @param enabled       default true
 * @param host          default {@code 127.0.0.1}; anything not loopback needs {@code unsafe_expose: true}
 * @param port          default 9090; 0 picks a free port
 * @param unsafeExpose  allow a non-loopback admin host (for a scraper inside a private network)
 * @param tls           HTTPS, and optionally client certificates ({@code client_auth}); no client identities or HTTP/2 here
 * @param perIp         requests per client address on every admin route, health and metrics included, at the edge, before
 *                      a route is matched ({@code N/period}; default {@code 600/1m}; {@code off}): a flood of bad keys or of
 *                      console logins costs a hash or a store write each. Counted on each node by itself, never in Redis
 */
public record AdminListenerConfig(Boolean enabled, String host, Integer port, Boolean unsafeExpose, TlsConfig tls, String perIp) {
    public AdminListenerConfig(Boolean enabled, String host, Integer port, Boolean unsafeExpose) {
        this(enabled, host, port, unsafeExpose, null, null);
    }

    public AdminListenerConfig(Boolean enabled, String host, Integer port, Boolean unsafeExpose, TlsConfig tls) {
        this(enabled, host, port, unsafeExpose, tls, null);
    }

    public AdminListenerConfig {
        enabled = enabled == null || enabled;
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9090 : port;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        unsafeExpose = unsafeExpose != null && unsafeExpose;
        // Client certificates on the admin listener authenticate the connection only; keys, tokens and sessions still authorize.
        if (tls != null && !tls.clientIdentities().isEmpty()) throw new IllegalArgumentException("tls.client_identities: only on the public listener");
        perIp = perIp == null ? "600/1m" : perIp.trim();
        if (!"off".equals(perIp)) {
            try {
                Rate.parse(perIp);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("per_ip: " + e.getMessage());
            }
        }
    }

    /** The per-address limit, or null when it is off. */
    public Rate perIpRate() {
        return "off".equals(perIp) ? null : Rate.parse(perIp);
    }
}
